namespace Futured

open System
open System.Collections.Generic

/// <summary>
/// Raised when a command fails: its process exited with a non-zero code (<see cref="P:Futured.CommandException.ExitCode"/>
/// holds it), or it could not start at all, most often because the program or the working directory was not found (then
/// <c>ExitCode</c> is null and <see cref="P:System.Exception.InnerException"/> may hold the cause).
/// In a pipeline it describes the first stage that failed.
/// </summary>
/// <remarks>A timeout raises <see cref="T:System.TimeoutException"/> and a cancellation
/// <see cref="T:System.OperationCanceledException"/> instead. Only the library raises it: its constructor is
/// internal.</remarks>
type CommandException =
    inherit Exception

    /// <summary>Describes a failed command.</summary>
    /// <param name="message">The message, naming the program and what went wrong.</param>
    /// <param name="program">The program, as it was given.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="exitCode">The exit code, or null when the process never started.</param>
    /// <param name="standardError">The end of the process's standard error; empty when it never started.</param>
    /// <param name="inner">The cause when the process could not start, or null.</param>
    internal new:
        message: string *
        program: string *
        arguments: IReadOnlyList<string> *
        exitCode: Nullable<int> *
        standardError: string *
        inner: exn ->
            CommandException

    /// <summary>The program of the failed command, as it was given.</summary>
    /// <returns>The program name or path.</returns>
    member Program: string

    /// <summary>The arguments of the failed command.</summary>
    /// <returns>The arguments, as they were passed.</returns>
    member Arguments: IReadOnlyList<string>

    /// <summary>The exit code of the process, or null when it never started.</summary>
    /// <returns>The exit code, or null.</returns>
    member ExitCode: Nullable<int>

    /// <summary>The end of what the process wrote to standard error (at most its last 64 KiB), decoded
    /// as UTF-8; empty when it never started.</summary>
    /// <returns>The tail of standard error.</returns>
    member StandardError: string
