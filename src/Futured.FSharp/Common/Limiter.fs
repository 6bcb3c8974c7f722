namespace Futured.Internal

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// The lifecycle and admission policy every executor shares: an optional bound on the calls
/// running at once, a FIFO queue beyond it, cancellation that removes a queued call before it
/// starts, and a close that refuses new work and waits for the work already accepted.
[<Sealed; AllowNullLiteral>]
type internal Limiter(limit: int, owner: string) =
    let sync = obj ()
    let waiters = LinkedList<TaskCompletionSource<unit>>()
    let mutable running = 0
    let mutable accepted = 0
    let mutable closed = false

    let drained =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    let finishOne () =
        let last =
            lock sync (fun () ->
                accepted <- accepted - 1
                closed && accepted = 0)

        if last then
            drained.TrySetResult() |> ignore

    let finished = Action<Task>(fun _ -> finishOne ())

    let release () =
        let next =
            lock sync (fun () ->
                if waiters.Count > 0 then
                    let node = waiters.First
                    waiters.RemoveFirst()
                    node.Value
                else
                    running <- running - 1
                    null)
        // The slot passes straight to the first waiter; it is completed outside the lock.
        if not (isNull next) then
            next.TrySetResult(()) |> ignore

    /// Takes a free slot (returns null) or queues a waiter that receives a slot on release.
    let tryEnter () =
        lock sync (fun () ->
            if running < limit && waiters.Count = 0 then
                running <- running + 1
                null
            else
                let tcs =
                    TaskCompletionSource<unit>(TaskCreationOptions.RunContinuationsAsynchronously)

                waiters.AddLast tcs |> ignore
                tcs)

    let dequeueOnCancel (waiter: TaskCompletionSource<unit>) (cancellationToken: CancellationToken) =
        cancellationToken.Register(fun () ->
            let removed = lock sync (fun () -> waiters.Remove waiter)

            if removed then
                waiter.TrySetCanceled cancellationToken |> ignore)

    /// The bound this limiter was created with (Int32.MaxValue when unbounded).
    member _.Limit = limit

    /// True once Close was called.
    member _.IsClosed = Volatile.Read &closed

    /// Runs `start` when a slot is free (FIFO), holding the slot until the returned task completes.
    /// Faults with ObjectDisposedException after Close; is cancelled, without running `start`,
    /// when the token fires while the call waits in the queue.
    member _.Run<'T>(start: unit -> Task<'T>, cancellationToken: CancellationToken) : Task<'T> =
        let admitted =
            lock sync (fun () ->
                if closed then
                    false
                else
                    accepted <- accepted + 1
                    true)

        if not admitted then
            Task.FromException<'T>(ObjectDisposedException owner)
        else
            let call =
                task {
                    cancellationToken.ThrowIfCancellationRequested()
                    let waiter = tryEnter ()

                    if not (isNull waiter) then
                        // Disposed explicitly rather than with `use`: on a type that is also IAsyncDisposable,
                        // `use` binds a TaskBuilderBase.Using overload that the FSharp.Core of `dotnet fsi` lacks,
                        // which would break the library in F# scripts.
                        let registration = dequeueOnCancel waiter cancellationToken

                        try
                            do! waiter.Task.ConfigureAwait(false)
                        finally
                            registration.Dispose()

                    try
                        return! (start ()).ConfigureAwait(false)
                    finally
                        release ()
                }

            // The call counts as accepted until its task has completed, so that Close's task never
            // completes before the task of a call it waited for.
            if call.IsCompleted then
                finishOne ()
            else
                call.ContinueWith(finished, TaskContinuationOptions.ExecuteSynchronously)
                |> ignore

            call

    /// Refuses new work and returns a task that completes when every accepted call has finished.
    member _.Close() : Task =
        let idle =
            lock sync (fun () ->
                closed <- true
                accepted = 0)

        if idle then
            drained.TrySetResult() |> ignore

        drained.Task
