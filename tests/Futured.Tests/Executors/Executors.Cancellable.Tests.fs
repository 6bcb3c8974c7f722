/// Token-taking wrappers of the executors (WrapCancellable) and the asynced forms for ValueTask and Async functions.
module Futured.Tests.ExecutorsCancellable

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// Blocks the thread until the token is cancelled, then reports that it saw the cancellation.
let private blockUntilCancelled (started: TaskCompletionSource) (_: int) (token: CancellationToken) =
    started.TrySetResult() |> ignore
    token.WaitHandle.WaitOne() |> ignore
    "stopped by its token"

[<Tests>]
let tests =
    testList
        "executors, cancellable"
        [
            testTask "Threaded.WrapCancellable runs a call on the executor's own thread with the token it is given"
            <| fun () ->
                task {
                    use pool = new Threaded(2)
                    use cts = new CancellationTokenSource()

                    let f (x: int) (token: CancellationToken) =
                        (x * 2, token = cts.Token, Thread.CurrentThread.IsThreadPoolThread)

                    let! doubled, sameToken, onSharedPool = pool.WrapCancellable f 21 cts.Token
                    Expect.equal doubled 42 "the result"
                    Expect.isTrue sameToken "the call got the token"
                    Expect.isFalse onSharedPool "on a thread of the executor"
                }

            testTask "a deadline of mapCancellable reaches a blocking call wrapped by Threaded.WrapCancellable"
            <| fun () ->
                task {
                    use pool = new Threaded(1)

                    let started =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    use stop = new CancellationTokenSource()

                    let stream =
                        Futured.mapCancellableWith
                            { MapOptions.Default with
                                CancellationToken = stop.Token
                            }
                            (pool.WrapCancellable(blockUntilCancelled started))
                            [ 1 ]

                    let e = stream.GetAsyncEnumerator()
                    let move = e.MoveNextAsync().AsTask()
                    do! started.Task.WaitAsync generous
                    stop.Cancel()
                    let! _ = throwsExactly<OperationCanceledException> move
                    // DisposeAsync returns once the blocking call has seen its token and returned.
                    do! e.DisposeAsync().AsTask().WaitAsync generous
                }

            testTask "Threaded.WrapCancellable: a call whose token is cancelled while it queues never runs"
            <| fun () ->
                task {
                    use pool = new Threaded(1)

                    let started =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    use first = new CancellationTokenSource()
                    use second = new CancellationTokenSource()
                    let mutable ran = 0
                    let blocking = pool.WrapCancellable(blockUntilCancelled started)
                    let running = blocking 1 first.Token
                    do! started.Task.WaitAsync generous

                    let queued =
                        pool.WrapCancellable (fun (_: int) _ -> Interlocked.Increment &ran) 2 second.Token

                    second.Cancel()
                    let! _ = throws<OperationCanceledException> queued
                    first.Cancel()
                    let! _ = running
                    Expect.equal ran 0 "the queued call never ran"
                }

            testTask "Asynced.WrapCancellable gives the token to the function and keeps the bound"
            <| fun () ->
                task {
                    use limiter = new Asynced(1)

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let mutable inFlight = 0
                    let mutable most = 0

                    let f (x: int) (token: CancellationToken) =
                        task {
                            let now = Interlocked.Increment &inFlight
                            most <- max most now
                            let! g = gate.Task.WaitAsync token
                            Interlocked.Decrement &inFlight |> ignore
                            return x + g
                        }

                    let wrapped = limiter.WrapCancellable f
                    let calls = [ for i in 1..3 -> wrapped i CancellationToken.None ]
                    gate.SetResult 10
                    let! results = Task.WhenAll calls
                    Expect.equal results [| 11; 12; 13 |] "results"
                    Expect.equal most 1 "one call at a time"

                    use cts = new CancellationTokenSource()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException>(wrapped 1 cts.Token)
                    ()
                }

            testTask "asyncedOfValueTask turns each value task into a task and faults on a synchronous throw"
            <| fun () ->
                task {
                    let f =
                        asyncedOfValueTask (fun (x: int) ->
                            if x < 0 then
                                raise (Boom "negative")
                            else
                                ValueTask<int>(x * 3))

                    let! got = toList (Futured.map f [ 1; 2 ])
                    Expect.equal got [ 3; 6 ] "results through map"
                    let! _ = throwsExactly<Boom>(f -1)
                    ()
                }

            testTask "asyncedOfAsync starts the workflow with the map's token, which a stop cancels"
            <| fun () ->
                task {
                    let started =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let cancelled =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let f =
                        asyncedOfAsync (fun (x: int) ->
                            async {
                                if x = 0 then
                                    return 0
                                else
                                    use! _ = Async.OnCancel(fun () -> cancelled.TrySetResult() |> ignore)
                                    started.TrySetResult() |> ignore
                                    do! Async.Sleep Timeout.Infinite
                                    return x
                            })

                    let! zero = f 0 CancellationToken.None
                    Expect.equal zero 0 "a plain result"
                    use stop = new CancellationTokenSource()

                    let e =
                        (Futured.mapCancellableWith
                            { MapOptions.Default with
                                CancellationToken = stop.Token
                            }
                            f
                            [ 1 ])
                            .GetAsyncEnumerator()

                    let move = e.MoveNextAsync().AsTask()
                    do! started.Task.WaitAsync generous
                    stop.Cancel()
                    let! _ = throwsExactly<OperationCanceledException> move
                    do! cancelled.Task.WaitAsync generous
                    do! e.DisposeAsync().AsTask().WaitAsync generous
                }

            testTask "asyncedOfAsync faults the task when the function throws or returns a null workflow"
            <| fun () ->
                task {
                    let throwing = asyncedOfAsync (fun (_: int) -> raise (Boom "before the workflow"))
                    let! _ = throwsExactly<Boom>(throwing 1 CancellationToken.None)
                    let nothing = asyncedOfAsync (fun (_: int) -> Unchecked.defaultof<Async<int>>)
                    let! _ = throwsExactly<InvalidOperationException>(nothing 1 CancellationToken.None)
                    ()
                }

            test "the token-taking wrappers refuse a null function, naming f" {
                use pool = new Threaded(1)
                use limiter = new Asynced(1)

                let cases: (unit -> unit) list =
                    [
                        fun () ->
                            pool.WrapCancellable(Unchecked.defaultof<int -> CancellationToken -> int>)
                            |> ignore
                        fun () ->
                            limiter.WrapCancellable(Unchecked.defaultof<int -> CancellationToken -> Task<int>>)
                            |> ignore
                        fun () -> asyncedOfValueTask (Unchecked.defaultof<int -> ValueTask<int>>) |> ignore
                        fun () -> asyncedOfAsync (Unchecked.defaultof<int -> Async<int>>) |> ignore
                    ]

                for case in cases do
                    Expect.equal (raises<ArgumentNullException> case).ParamName "f" "names f"
            }
        ]
