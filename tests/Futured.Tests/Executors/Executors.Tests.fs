/// Behaviour every bounded executor shares, run once per executor.
module Futured.Tests.Executors.Shared

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// An executor under test, seen through one shape: submit work that finishes when a task does.
type Subject =
    {
        Name: string
        Create: int -> IAsyncDisposable * ((unit -> Task<int>) -> CancellationToken -> Task<int>)
    }

let subjects =
    [
        {
            Name = "Threaded"
            Create =
                fun n ->
                    let ex = new Threaded(n)
                    // The executor runs synchronous functions on its own threads: the work blocks its thread.
                    ex, (fun work ct -> ex.Submit((fun () -> (work ()).GetAwaiter().GetResult()), ct))
        }
        {
            Name = "Asynced"
            Create =
                fun n ->
                    let ex = new Asynced(n)
                    ex, (fun work ct -> ex.Submit(work, ct))
        }
    ]

let behaviour (s: Subject) =
    testList
        s.Name
        [
            testTask "with a bound of one, queued calls start in FIFO order"
            <| fun () ->
                task {
                    let executor, submit = s.Create 1
                    let gates = sources 6
                    let started = ConcurrentQueue<int>()

                    let calls =
                        [
                            for i in 0..5 ->
                                submit
                                    (fun () ->
                                        started.Enqueue i
                                        gates[i].Task)
                                    CancellationToken.None
                        ]

                    for i in 0..5 do
                        do! waitUntil "the next call starts" (fun () -> started.Count = i + 1)
                        gates[i].SetResult i

                    let! results = Task.WhenAll calls
                    Expect.equal (List.ofArray results) [ 0..5 ] "results"
                    Expect.equal (List.ofSeq started) [ 0..5 ] "start order"
                    do! executor.DisposeAsync()
                }

            testTask "never runs more than the bound at once"
            <| fun () ->
                task {
                    let executor, submit = s.Create 2
                    let gates = sources 8
                    let started = ConcurrentQueue<int>()
                    let mutable running = 0
                    let mutable most = 0

                    let calls =
                        [
                            for i in 0..7 ->
                                submit
                                    (fun () ->
                                        task {
                                            let now = Interlocked.Increment &running
                                            lock started (fun () -> most <- max most now)
                                            started.Enqueue i
                                            let! v = gates[i].Task
                                            Interlocked.Decrement &running |> ignore
                                            return v
                                        })
                                    CancellationToken.None
                        ]

                    do! waitUntil "two calls started" (fun () -> started.Count = 2)

                    for i in 0..7 do
                        gates[i].SetResult i
                        do! calls[i] :> Task

                    let! results = Task.WhenAll calls
                    Expect.equal (List.ofArray results) [ 0..7 ] "results"
                    Expect.isLessThanOrEqual most 2 "calls running at once"
                    Expect.equal (List.sort (List.ofSeq started)) [ 0..7 ] "every call started once"
                    do! executor.DisposeAsync()
                }

            testTask "a queued call whose token is cancelled never starts"
            <| fun () ->
                task {
                    let executor, submit = s.Create 1
                    let gate = TaskCompletionSource<int>()
                    let mutable ranSecond = false
                    let first = submit (fun () -> gate.Task) CancellationToken.None
                    use cts = new CancellationTokenSource()

                    let second =
                        submit
                            (fun () ->
                                ranSecond <- true
                                Task.FromResult 2)
                            cts.Token

                    let third = submit (fun () -> Task.FromResult 3) CancellationToken.None
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> second
                    Expect.isTrue second.IsCanceled "the queued call is cancelled"
                    gate.SetResult 1
                    let! r1 = first
                    let! r3 = third
                    Expect.equal (r1, r3) (1, 3) "the other calls run"
                    Expect.isFalse ranSecond "the cancelled call never ran"
                    do! executor.DisposeAsync()
                }

            testTask "a call with an already cancelled token is cancelled without running"
            <| fun () ->
                task {
                    let executor, submit = s.Create 1
                    let mutable ran = false

                    let call =
                        submit
                            (fun () ->
                                ran <- true
                                Task.FromResult 1)
                            (CancellationToken true)

                    let! _ = throws<OperationCanceledException> call
                    Expect.isFalse ran "never ran"
                    do! executor.DisposeAsync()
                }

            testTask "disposing waits for accepted work, queued calls included, then refuses new calls"
            <| fun () ->
                task {
                    let executor, submit = s.Create 1
                    let gate = TaskCompletionSource<int>()
                    let first = submit (fun () -> gate.Task) CancellationToken.None
                    let queued = submit (fun () -> Task.FromResult 2) CancellationToken.None
                    let disposal = executor.DisposeAsync().AsTask()
                    Expect.isFalse disposal.IsCompleted "disposal waits for the running call"
                    let refused = submit (fun () -> Task.FromResult 3) CancellationToken.None
                    let! e = throwsExactly<ObjectDisposedException> refused
                    Expect.stringContains e.Message s.Name "the message names the executor"
                    gate.SetResult 1
                    do! disposal
                    Expect.equal (first.Result, queued.Result) (1, 2) "accepted work finished"
                }

            testTask "a fault in one call surfaces with its original type and frees the slot"
            <| fun () ->
                task {
                    let executor, submit = s.Create 1

                    let failing =
                        submit (fun () -> Task.FromException<int>(Boom "one call failed")) CancellationToken.None

                    let! e = throwsExactly<Boom> failing
                    Expect.equal e.Message "one call failed" "message"
                    let! ok = submit (fun () -> Task.FromResult 7) CancellationToken.None
                    Expect.equal ok 7 "the next call runs"
                    do! executor.DisposeAsync()
                }
        ]

[<Tests>]
let tests = testList "executors" (subjects |> List.map behaviour)
