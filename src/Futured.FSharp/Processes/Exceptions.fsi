namespace Futured

open System

/// <summary>
/// The exception a call raised inside a worker process, carried back to the caller: the remote
/// exception's type name, message and stack trace (the exception object itself stays in the worker).
/// </summary>
/// <remarks><c>Message</c> reads "type: message"; <c>ToString()</c> adds the remote stack trace.</remarks>
[<Sealed>]
type RemoteException =
    inherit Exception

    /// <summary>Creates the exception from the parts a worker reported.</summary>
    /// <param name="typeName">The full name of the exception's type in the worker.</param>
    /// <param name="message">The exception's message in the worker.</param>
    /// <param name="remoteStackTrace">The exception's stack trace in the worker.</param>
    new: typeName: string * message: string * remoteStackTrace: string -> RemoteException

    /// <summary>The full name of the exception's type in the worker, e.g. <c>System.InvalidOperationException</c>.</summary>
    member RemoteTypeName: string

    /// <summary>The exception's message in the worker.</summary>
    member RemoteMessage: string

    /// <summary>The exception's stack trace in the worker.</summary>
    member RemoteStackTrace: string

    /// <summary>Type, message and remote stack trace, followed by the local stack trace.</summary>
    /// <returns>The full description of the exception.</returns>
    override ToString: unit -> string

/// <summary>
/// The worker process running a call exited (or was killed) before it replied, or sent something that
/// is not the reply to the call (a corrupt frame; the worker is then killed). Only that call fails;
/// the pool replaces the worker.
/// </summary>
[<Sealed>]
type WorkerCrashedException =
    inherit Exception

    /// <summary>Creates the exception for a worker that exited before it replied.</summary>
    /// <param name="exitCode">The worker's exit code (128 + the signal number when a signal killed it).</param>
    /// <param name="standardErrorTail">The last lines the worker wrote to its standard error.</param>
    new: exitCode: int * standardErrorTail: string -> WorkerCrashedException

    /// <summary>Creates the exception with the reason the call failed.</summary>
    /// <param name="reason">What happened, the first sentence of the message.</param>
    /// <param name="exitCode">The worker's exit code (128 + the signal number when a signal killed it).</param>
    /// <param name="standardErrorTail">The last lines the worker wrote to its standard error.</param>
    new: reason: string * exitCode: int * standardErrorTail: string -> WorkerCrashedException

    /// <summary>What happened: the worker exited before it replied, or it sent a corrupt frame.</summary>
    member Reason: string

    /// <summary>The worker's exit code.</summary>
    member ExitCode: int

    /// <summary>The last lines the worker wrote to its standard error (empty when it wrote none).</summary>
    member StandardErrorTail: string

/// <summary>
/// A child process started by <c>forked</c> failed: its body raised (the inner exception is then a
/// <see cref="T:Futured.RemoteException"/>), or the process died (a <see cref="T:Futured.WorkerCrashedException"/>),
/// or the value could not be serialised.
/// </summary>
[<Sealed>]
type ForkedException =
    inherit Exception

    /// <summary>Creates the exception.</summary>
    /// <param name="index">The position of the value in the input, from zero.</param>
    /// <param name="value">The value, printed with <c>%A</c>.</param>
    /// <param name="exitCode">The child's exit code (-1 when no child was started).</param>
    /// <param name="inner">What went wrong in the child.</param>
    new: index: int * value: string * exitCode: int * inner: exn -> ForkedException

    /// <summary>The position of the failed value in the input, from zero.</summary>
    member Index: int

    /// <summary>The failed value, printed with <c>%A</c>.</summary>
    member Value: string

    /// <summary>The child's exit code (-1 when no child was started).</summary>
    member ExitCode: int
