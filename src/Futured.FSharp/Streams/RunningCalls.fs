namespace Futured.Internal

open System
open System.Threading
open System.Threading.Tasks

/// Counts the calls a pass started with a token that have not finished yet, so that the pass's DisposeAsync can
/// wait for them after its stop has cancelled that token. The pass itself holds one count until it is disposed, so
/// the count reaches zero only once the pass is disposed and every call has finished.
[<Sealed; AllowNullLiteral>]
type internal RunningCalls() =
    let mutable count = 1
    let idle = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    let release () =
        if Interlocked.Decrement(&count) = 0 then
            idle.TrySetResult() |> ignore

    // One delegate for every call: a completion only needs to take one count away.
    let finished = Action(release)

    /// Counts a call until its task completes.
    member _.Track(work: Task) =
        Interlocked.Increment(&count) |> ignore
        work.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted finished

    /// The pass is disposed; the returned task completes when every tracked call has finished.
    member _.Close() : Task =
        release ()
        idle.Task
