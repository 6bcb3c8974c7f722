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
/// <see cref="T:System.OperationCanceledException"/> instead.</remarks>
type CommandException
    internal
    (
        message: string,
        program: string,
        arguments: IReadOnlyList<string>,
        exitCode: Nullable<int>,
        standardError: string,
        inner: exn
    ) =
    inherit Exception(message, inner)

    /// <summary>The program of the failed command, as it was given.</summary>
    member _.Program = program

    /// <summary>The arguments of the failed command.</summary>
    member _.Arguments = arguments

    /// <summary>The exit code of the process, or null when it never started.</summary>
    member _.ExitCode = exitCode

    /// <summary>The end of what the process wrote to standard error (at most its last 64 KiB), decoded
    /// as UTF-8; empty when it never started.</summary>
    member _.StandardError = standardError
