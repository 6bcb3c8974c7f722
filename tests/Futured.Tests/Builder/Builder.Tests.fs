module Futured.Tests.Builder

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Runtime.CompilerServices
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open global.Futured
open Futured.Tests.Support

/// A cold awaitable, like a command: nothing runs until GetAwaiter is called, and each call to
/// GetAwaiter starts it once.
type Cold<'T>(started: TaskCompletionSource, gate: Task<'T>) =
    let mutable starts = 0
    member _.Starts = Volatile.Read &starts

    member _.GetAwaiter() : TaskAwaiter<'T> =
        Interlocked.Increment &starts |> ignore
        started.TrySetResult() |> ignore
        gate.GetAwaiter()

/// An asynchronous sequence over 0 .. n-1 that yields asynchronously and records what happened to its enumerator.
type Recorded(n: int) =
    let mutable disposed = 0
    let mutable token = CancellationToken.None
    member _.Disposed = Volatile.Read &disposed
    member _.Token = token

    interface IAsyncEnumerable<int> with
        member _.GetAsyncEnumerator ct =
            token <- ct
            let mutable i = -1

            { new IAsyncEnumerator<int> with
                member _.Current = i

                member _.MoveNextAsync() =
                    ValueTask<bool>(
                        task {
                            do! Task.Yield()
                            ct.ThrowIfCancellationRequested()
                            i <- i + 1
                            return i < n
                        }
                    )

                member _.DisposeAsync() =
                    ValueTask(
                        task {
                            do! Task.Yield()
                            Interlocked.Increment &disposed |> ignore
                        }
                    )
            }

type private AsyncResource() =
    member val Disposed = false with get, set

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            ValueTask(
                task {
                    do! Task.Yield()
                    this.Disposed <- true
                }
            )

type private SyncResource() =
    member val Disposed = false with get, set

    interface IDisposable with
        member this.Dispose() = this.Disposed <- true

/// Implements both IDisposable and IAsyncDisposable (as executors do) and records which was called; its
/// DisposeAsync completes only after a suspension, so that a disposal that is not awaited shows.
type private BothResource() =
    let calls = ConcurrentQueue<string>()
    member _.Calls = List.ofSeq calls

    interface IDisposable with
        member _.Dispose() = calls.Enqueue "Dispose"

    interface IAsyncDisposable with
        member _.DisposeAsync() =
            ValueTask(
                task {
                    do! Task.Yield()
                    calls.Enqueue "DisposeAsync"
                }
            )

let private pending () =
    TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

[<Tests>]
let tests =
    testList
        "futured"
        [
            testTask "futured binds Task, Task<'T>, ValueTask, ValueTask<'T> and Async, completed or pending"
            <| fun () ->
                task {
                    let gate = pending ()

                    let work =
                        futured {
                            do! Task.CompletedTask
                            do! Task.Yield()
                            let! a = Task.FromResult 1
                            let! b = gate.Task
                            do! ValueTask()
                            let! c = ValueTask<int> 3
                            let! d = ValueTask<int>(Task.Delay(1).ContinueWith(fun _ -> 4))
                            let! e = async { return 5 }

                            let! f =
                                async {
                                    do! Async.Sleep 1
                                    return 6
                                }

                            return a + b + c + d + e + f
                        }

                    Expect.isFalse work.IsCompleted "the block waits for the pending task"
                    gate.SetResult 2
                    let! total = work
                    Expect.equal total 21 "every bound value arrives"
                }

            testTask "a block that never waits completes synchronously, as a compiled state machine does"
            <| fun () ->
                task {
                    let work =
                        futured {
                            let! a = Task.FromResult 20
                            let! b = ValueTask<int> 22
                            return a + b
                        }

                    Expect.isTrue work.IsCompletedSuccessfully "no suspension, no scheduling"
                    Expect.equal work.Result 42 "the value"
                }

            testTask "futured binds any awaitable with a GetAwaiter, as a command will be bound"
            <| fun () ->
                task {
                    let started = TaskCompletionSource()
                    let cold = Cold<string>(started, Task.FromResult "out")

                    let work =
                        futured {
                            let! text = cold
                            return text.ToUpperInvariant()
                        }

                    let! text = work
                    Expect.equal text "OUT" "the awaitable's result"
                    Expect.equal cold.Starts 1 "started exactly once"
                }

            testTask "return! passes on a Task, a ValueTask, an Async and an awaitable"
            <| fun () ->
                task {
                    let! a = futured { return! Task.FromResult 1 }
                    let! b = futured { return! ValueTask<int> 2 }
                    let! c = futured { return! async { return 3 } }

                    let! d = futured { return! Cold<int>(TaskCompletionSource(), Task.FromResult 4) }

                    Expect.equal [ a; b; c; d ] [ 1; 2; 3; 4 ] "each result"
                }

            testTask
                "binding an Async starts it at once on the calling thread and surfaces its exception with its original type"
            <| fun () ->
                task {
                    let thread = Environment.CurrentManagedThreadId
                    let mutable ranOn = -1

                    let failing =
                        async {
                            ranOn <- Environment.CurrentManagedThreadId
                            return raise (Boom "from async")
                        }

                    let work =
                        futured {
                            try
                                let! (_: int) = failing
                                return "no exception"
                            with :? Boom as b ->
                                return b.Message
                        }

                    Expect.equal ranOn thread "the Async ran synchronously when bound, as Async.StartImmediate does"
                    let! message = work
                    Expect.equal message "from async" "caught with its own type"
                }

            testTask "and! starts the second operand before the first completes"
            <| fun () ->
                task {
                    let firstGate = pending ()

                    let secondStarted =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let first = async { return! Async.AwaitTask firstGate.Task }

                    let second =
                        async {
                            secondStarted.SetResult()
                            return 2
                        }

                    let work =
                        futured {
                            let! a = first
                            and! b = second
                            return a, b
                        }

                    // If and! awaited the first operand before starting the second, this would never complete.
                    do! secondStarted.Task.WaitAsync generous
                    Expect.isFalse work.IsCompleted "the first operand is still pending"
                    firstGate.SetResult 1
                    let! pair = work
                    Expect.equal pair (1, 2) "both results, in operand order"
                }

            property
                "and! of five cold operands starts all five before any completes, for every completion order"
                permutations
            <| fun perm ->
                task {
                    let perm =
                        Array.append perm [| 0..4 |] |> Array.distinct |> Array.filter (fun i -> i < 5)

                    let gates = Array.init 5 (fun _ -> pending ())
                    let starts = Array.init 5 (fun _ -> TaskCompletionSource())
                    let colds = Array.init 5 (fun i -> Cold<int>(starts[i], gates[i].Task))

                    let work =
                        futured {
                            let! a = colds[0]
                            and! b = colds[1]
                            and! c = colds[2]
                            and! d = colds[3]
                            and! e = colds[4]
                            return [ a; b; c; d; e ]
                        }

                    let allStarted = colds |> Array.forall (fun c -> c.Starts = 1)

                    for i in perm do
                        gates[i].SetResult(i * 10)

                    let! values = work
                    return allStarted && values = [ 0; 10; 20; 30; 40 ]
                }
                |> await'

            testTask "and! mixes tasks, Async, ValueTask and awaitables, starting the cold ones at the merge"
            <| fun () ->
                task {
                    let gate = pending ()
                    let mutable asyncStarted = false
                    let coldStarted = TaskCompletionSource()

                    let work =
                        futured {
                            let! a = gate.Task

                            and! b =
                                async {
                                    asyncStarted <- true
                                    return 2
                                }

                            and! c = ValueTask<int> 3
                            and! d = Cold<int>(coldStarted, Task.FromResult 4)
                            return a + b + c + d
                        }

                    Expect.isTrue asyncStarted "the Async started before the first operand completed"

                    Expect.isTrue
                        coldStarted.Task.IsCompleted
                        "the awaitable started before the first operand completed"

                    gate.SetResult 1
                    let! total = work
                    Expect.equal total 10 "all four"
                }

            testTask "and! takes operands without a result, and use! binds an awaited resource"
            <| fun () ->
                task {
                    let gate = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
                    let resource = new AsyncResource()

                    let work =
                        futured {
                            let! () = gate.Task
                            and! () = ValueTask()
                            and! x = ValueTask<int> 1
                            use! r = Task.FromResult resource
                            Expect.isFalse r.Disposed "alive inside the block"
                            return x
                        }

                    gate.SetResult()
                    let! x = work
                    Expect.equal x 1 "the result"
                    Expect.isTrue resource.Disposed "disposed when the block ended"
                }

            testTask "and! waits for every operand and raises the first failure in operand order"
            <| fun () ->
                task {
                    let second = pending ()

                    let work =
                        futured {
                            let! a = Task.FromException<int>(Boom "first")
                            and! b = second.Task
                            return a + b
                        }

                    Expect.isFalse work.IsCompleted "still waiting for the second operand"
                    second.SetException(InvalidOperationException "second")
                    let! e = throwsExactly<Boom> work
                    Expect.equal e.Message "first" "the first operand's failure"
                }

            testTask "for over an IAsyncEnumerable visits every item in order and disposes the enumerator"
            <| fun () ->
                task {
                    let source = Recorded 5
                    let seen = ResizeArray()

                    do!
                        futured {
                            for x in source do
                                do! Task.Yield()
                                seen.Add x
                        }

                    Expect.equal (List.ofSeq seen) [ 0..4 ] "every item, in order"
                    Expect.equal source.Disposed 1 "disposed once"
                }

            testTask "an exception inside for over an async sequence disposes the enumerator and surfaces unchanged"
            <| fun () ->
                task {
                    let source = Recorded 5

                    let work =
                        futured {
                            for x in source do
                                if x = 2 then
                                    raise (Boom "in the body")
                        }

                    let! e = throwsExactly<Boom> work
                    Expect.equal e.Message "in the body" "the body's exception"
                    Expect.equal source.Disposed 1 "disposed once"
                }

            testTask "for over WithCancellation passes the token to the enumerator"
            <| fun () ->
                task {
                    let source = Recorded 3
                    use cts = new CancellationTokenSource()
                    let seen = ResizeArray()

                    let work =
                        futured {
                            for x in source.WithCancellation cts.Token do
                                seen.Add x

                                if x = 1 then
                                    cts.Cancel()
                        }

                    let! _ = throws<OperationCanceledException> work
                    Expect.equal source.Token cts.Token "the enumerator got the token"
                    Expect.equal (List.ofSeq seen) [ 0; 1 ] "stopped at the cancellation"
                    Expect.equal source.Disposed 1 "disposed once"
                }

            testTask "for over Futured.asCompleted reads results as they complete"
            <| fun () ->
                task {
                    let tcs = sources 3
                    let seen = ResizeArray()

                    let work =
                        futured {
                            for x in Futured.asCompleted [ for t in tcs -> t.Task ] do
                                seen.Add x
                        }

                    tcs[2].SetResult 2
                    do! waitUntil "the first result" (fun () -> seen.Count = 1)
                    tcs[0].SetResult 0
                    do! waitUntil "the second result" (fun () -> seen.Count = 2)
                    tcs[1].SetResult 1
                    do! work
                    Expect.equal (List.ofSeq seen) [ 2; 0; 1 ] "completion order"
                }

            testTask "for over a seq, while, try/with and try/finally behave as in task"
            <| fun () ->
                task {
                    let log = ResizeArray()

                    let! total =
                        futured {
                            let mutable total = 0

                            for x in [ 1; 2; 3 ] do
                                do! Task.Yield()
                                total <- total + x

                            let mutable i = 0

                            while i < 3 do
                                let! x = Task.FromResult i
                                total <- total + x
                                i <- i + 1

                            try
                                try
                                    do! Task.Yield()
                                    raise (Boom "caught")
                                finally
                                    log.Add "finally"
                            with :? Boom as b ->
                                log.Add b.Message

                            return total
                        }

                    Expect.equal total 9 "the loops ran"
                    Expect.equal (List.ofSeq log) [ "finally"; "caught" ] "finally, then the handler"
                }

            testTask "use disposes IDisposable and IAsyncDisposable resources, also when the block fails"
            <| fun () ->
                task {
                    let sync = new SyncResource()
                    let asyncR = new AsyncResource()

                    let work =
                        futured {
                            use _s = sync
                            use _a = asyncR
                            do! Task.Yield()
                            raise (Boom "after use")
                        }

                    let! _ = throwsExactly<Boom> work
                    Expect.isTrue sync.Disposed "IDisposable disposed"
                    Expect.isTrue asyncR.Disposed "IAsyncDisposable disposed"
                }

            testTask
                "use of a value that is both IDisposable and IAsyncDisposable awaits DisposeAsync and never calls Dispose"
            <| fun () ->
                task {
                    let ok = new BothResource()

                    let! r =
                        futured {
                            use _r = ok
                            do! Task.Yield()
                            return 1
                        }

                    Expect.equal r 1 "result"
                    Expect.equal ok.Calls [ "DisposeAsync" ] "disposed asynchronously, once, before the block ended"

                    let failed = new BothResource()

                    let work =
                        futured {
                            use _r = failed
                            do! Task.Yield()
                            raise (Boom "after use")
                        }

                    let! _ = throwsExactly<Boom> work
                    Expect.equal failed.Calls [ "DisposeAsync" ] "disposed asynchronously when the block failed"
                }

            testTask "use of a Threaded executor in futured waits for its calls without blocking, then refuses new ones"
            <| fun () ->
                task {
                    let mutable kept = Unchecked.defaultof<Threaded>
                    let gate = TaskCompletionSource<int>()
                    let mutable call = Task.FromResult 0

                    // The block returns its task at its first suspension: the disposal, which waits for the call.
                    let starting =
                        Task.Run<Task<unit>>(fun () ->
                            futured {
                                use pool = new Threaded 4
                                kept <- pool
                                call <- pool.Submit(fun () -> gate.Task.Result)
                                return ()
                            })

                    let! first = Task.WhenAny(starting, Task.Delay generous)
                    gate.SetResult 42
                    Expect.isTrue (first = (starting :> Task)) "the block did not block its thread in Dispose"
                    let! work = starting
                    do! work
                    Expect.equal call.Result 42 "the call finished before the block"
                    let! _ = throwsExactly<ObjectDisposedException>(kept.Submit(fun () -> 1))
                    ()
                }

            testTask "a null task or a null async sequence is refused with ArgumentNullException naming it"
            <| fun () ->
                task {
                    let! e =
                        throws<ArgumentNullException>(futured { let! x = (null: Task<int>) in return x })

                    Expect.equal e.ParamName "task" "the parameter"

                    let! e =
                        throws<ArgumentNullException>(
                            futured {
                                for _ in (null: IAsyncEnumerable<int>) do
                                    ()
                            }
                        )

                    Expect.equal e.ParamName "source" "the parameter"
                }
        ]
