/// Library code never resumes on the caller's SynchronizationContext: a caller on a UI-like thread that
/// blocks cannot deadlock the library.
module Futured.Tests.Executors.Context

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// A UI-like SynchronizationContext: one dedicated thread runs every posted callback in order, so while that
/// thread blocks, nothing posted to the context runs.
[<Sealed>]
type SingleThreadContext() as this =
    inherit SynchronizationContext()
    let queue = new BlockingCollection<struct (SendOrPostCallback * obj)>()

    let thread =
        Thread(
            (fun () ->
                SynchronizationContext.SetSynchronizationContext this

                for struct (callback, state) in queue.GetConsumingEnumerable() do
                    callback.Invoke state),
            IsBackground = true,
            Name = "single-threaded context"
        )

    do thread.Start()

    override _.Post(callback, state) = queue.Add(struct (callback, state))

    override _.Send(callback, state) =
        if Thread.CurrentThread = thread then
            callback.Invoke state
        else
            use ran = new ManualResetEventSlim()

            queue.Add(
                struct (SendOrPostCallback(fun s ->
                            callback.Invoke s
                            ran.Set()),
                        state)
            )

            ran.Wait()

    override this.CreateCopy() = this

    /// Runs `f` on the context's thread and returns a task of its result.
    member this.Run(f: unit -> 'T) : Task<'T> =
        let result =
            TaskCompletionSource<'T>(TaskCreationOptions.RunContinuationsAsynchronously)

        this.Post(
            (fun _ ->
                try
                    result.SetResult(f ())
                with e ->
                    result.SetException e),
            null
        )

        result.Task

    interface IDisposable with
        // The thread is a background thread: a callback that never returns leaves it blocked, not the process.
        member _.Dispose() = queue.CompleteAdding()

/// Waits for a task that must complete; fails instead of hanging when it deadlocked.
let private finishes (what: string) (t: Task<'T>) : Task<'T> =
    task {
        let! first = Task.WhenAny(t :> Task, Task.Delay generous)

        if first <> (t :> Task) then
            failtestf "deadlocked: %s" what

        return! t
    }

[<Tests>]
let tests =
    testList
        "synchronization context"
        [
            testTask "Dispose of a Threaded(1) with a queued call completes on a single-threaded SynchronizationContext"
            <| fun () ->
                task {
                    use context = new SingleThreadContext()

                    let disposed =
                        context.Run(fun () ->
                            let executor = new Threaded(1)
                            use gate = new ManualResetEventSlim()

                            let first =
                                executor.Submit(fun () ->
                                    gate.Wait()
                                    1)

                            let queued = executor.Submit(fun () -> 2)
                            gate.Set()
                            // Blocks the context's only thread until both calls are done.
                            (executor :> IDisposable).Dispose()
                            first.Result + queued.Result)

                    let! total = finishes "Threaded.Dispose on the context's thread" disposed
                    Expect.equal total 3 "both calls ran before Dispose returned"
                }

            testTask "Dispose of an Asynced(1) with a queued call completes on a single-threaded SynchronizationContext"
            <| fun () ->
                task {
                    use context = new SingleThreadContext()

                    let disposed =
                        context.Run(fun () ->
                            let limiter = new Asynced(1)
                            let gate = TaskCompletionSource<int>()
                            let first = limiter.Submit(fun () -> gate.Task)
                            let queued = limiter.Submit(fun () -> Task.FromResult 2)
                            gate.SetResult 1
                            (limiter :> IDisposable).Dispose()
                            first.Result + queued.Result)

                    let! total = finishes "Asynced.Dispose on the context's thread" disposed
                    Expect.equal total 3 "both calls ran before Dispose returned"
                }

            testTask
                "the join behind and! of two awaitables completes while a single-threaded context's thread blocks on it"
            <| fun () ->
                task {
                    use context = new SingleThreadContext()
                    let gate = TaskCompletionSource<int>()

                    let joined =
                        context.Run(fun () ->
                            // What `let! a = x and! b = y` builds for two ValueTasks, before the block binds it.
                            let both = futured.MergeSources(ValueTask<int>(gate.Task), ValueTask<int>(2))
                            Task.Run(fun () -> gate.SetResult 1) |> ignore
                            both.Result)

                    let! pair = finishes "and! joined on the context's thread" joined
                    Expect.equal pair (1, 2) "both results"
                }

            testTask "a threaded call awaited with .Result on a single-threaded SynchronizationContext completes"
            <| fun () ->
                task {
                    use context = new SingleThreadContext()
                    let square = threaded (fun (x: int) -> x * x)

                    let! r =
                        finishes "threaded .Result on the context's thread" (context.Run(fun () -> (square 7).Result))

                    Expect.equal r 49 "result"
                }
        ]
