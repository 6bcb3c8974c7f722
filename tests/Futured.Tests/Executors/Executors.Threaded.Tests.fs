module Futured.Tests.Executors.Threaded

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "threaded"
        [
            testTask
                "threaded runs the function on a thread of its own, not the shared thread pool, and returns its result"
            <| fun () ->
                task {
                    let double = threaded (fun x -> (x * 2, Thread.CurrentThread.IsThreadPoolThread))
                    let! r, onPool = double 21
                    Expect.equal r 42 "result"
                    Expect.isFalse onPool "ran on a dedicated thread"
                }

            testTask "threaded runs as many blocking calls at once as its bound, min(32, ProcessorCount + 4)"
            <| fun () ->
                task {
                    let bound = min 32 (Environment.ProcessorCount + 4)
                    // Each call blocks until every one of them has arrived: this completes only if all run at once.
                    use barrier = new Barrier(bound)

                    let meet =
                        threaded (fun (_: int) ->
                            let met = barrier.SignalAndWait generous
                            met, Thread.CurrentThread.ManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)

                    let! results = Task.WhenAll [ for i in 1..bound -> meet i ]
                    Expect.allEqual [ for met, _, _ in results -> met ] true "every call met the others"
                    Expect.equal (results |> Array.distinctBy (fun (_, id, _) -> id)).Length bound "one thread each"
                    Expect.allEqual [ for _, _, onPool in results -> onPool ] false "no call on the shared pool"
                }

            testTask "threaded starts no more calls than its bound; the rest start in FIFO order as threads free up"
            <| fun () ->
                task {
                    let bound = min 32 (Environment.ProcessorCount + 4)
                    let extra = 4
                    let gates = [| for _ in 1 .. bound + extra -> new ManualResetEventSlim() |]
                    let started = ConcurrentQueue<int>()

                    let call =
                        threaded (fun (i: int) ->
                            started.Enqueue i
                            gates[i].Wait()
                            i)

                    let calls = [ for i in 0 .. bound + extra - 1 -> call i ]
                    do! waitUntil "the first calls start" (fun () -> started.Count = bound)
                    Expect.equal (Set.ofSeq started) (Set.ofList [ 0 .. bound - 1 ]) "the first calls started"

                    for i in 0 .. extra - 1 do
                        // Each call that ends frees its thread for exactly the next queued call.
                        gates[i].Set()
                        let! _ = calls[i]
                        do! waitUntil "the next queued call starts" (fun () -> started.Count = bound + i + 1)
                        Expect.equal (Seq.last started) (bound + i) "the oldest queued call started"

                    for g in gates do
                        g.Set()

                    let! results = Task.WhenAll calls
                    Expect.equal (List.ofArray results) [ 0 .. bound + extra - 1 ] "results"
                }

            testTask "an exception in a call faults its task with that exception, and the thread runs the next call"
            <| fun () ->
                task {
                    use executor = new Threaded(1)
                    let mutable failedOn = 0

                    let failing =
                        executor.Submit(fun () ->
                            failedOn <- Thread.CurrentThread.ManagedThreadId
                            raise (Boom "from the call")
                            : int)

                    let next = executor.Submit(fun () -> Thread.CurrentThread.ManagedThreadId)
                    let! e = throwsExactly<Boom> failing
                    Expect.equal e.Message "from the call" "the original exception"
                    let! ranOn = next
                    Expect.equal ranOn failedOn "the same thread ran the next call"
                }

            testTask "a call runs in its caller's ExecutionContext"
            <| fun () ->
                task {
                    let local = AsyncLocal<string>()
                    local.Value <- "caller's"
                    let! seen = threaded (fun () -> local.Value) ()
                    Expect.equal seen "caller's" "the AsyncLocal value flowed"
                }

            testTask "the continuations of a call's task run on the shared pool, not on the executor's thread"
            <| fun () ->
                task {
                    use executor = new Threaded(1)
                    use gate = new ManualResetEventSlim()
                    let call = executor.Submit(fun () -> gate.Wait())

                    let continuation =
                        call.ContinueWith(
                            (fun (_: Task) -> Thread.CurrentThread.IsThreadPoolThread),
                            TaskContinuationOptions.ExecuteSynchronously
                        )

                    gate.Set()
                    let! onPool = continuation
                    Expect.isTrue onPool "the continuation ran on a pool thread"
                }

            testTask "threaded binds arguments by partial application"
            <| fun () ->
                task {
                    let add a b = a + b
                    let addTen = threaded (add 10)
                    let! r = addTen 5
                    Expect.equal r 15 "result"
                }

            testTask "threaded passes arguments represented by null (unit, None, a null string) unchanged"
            <| fun () ->
                task {
                    let! one = threaded (fun () -> 1) ()
                    let! none = threaded (fun (o: int option) -> o) None
                    let! wasNull = threaded (fun (s: string) -> isNull s) null
                    let! pair = threaded (fun struct (a: int, b: int) -> a - b) (struct (5, 3))
                    Expect.equal one 1 "unit"
                    Expect.equal none None "None"
                    Expect.isTrue wasNull "null string"
                    Expect.equal pair 2 "struct tuple"
                }

            testTask "an exception in the function faults the task with its original type"
            <| fun () ->
                task {
                    let fails = threaded (fun (_: int) -> raise (Boom "thrown on a worker"): int)
                    let! e = throwsExactly<Boom>(fails 1)
                    Expect.equal e.Message "thrown on a worker" "message"
                }

            test "threaded refuses a null function, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> threaded (Unchecked.defaultof<int -> int>) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
            }

            testTask "Threaded(32) runs 32 blocking calls at once, each on a thread of its own"
            <| fun () ->
                task {
                    let n = 32
                    use executor = new Threaded(n)
                    use barrier = new Barrier(n)

                    let meet =
                        executor.Wrap(fun (_: int) ->
                            let met = barrier.SignalAndWait generous
                            met, Thread.CurrentThread.ManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)

                    let! results = Task.WhenAll [ for i in 1..n -> meet i ]
                    Expect.allEqual [ for met, _, _ in results -> met ] true "every call met the others"
                    Expect.equal (results |> Array.distinctBy (fun (_, id, _) -> id)).Length n "one thread each"
                    Expect.allEqual [ for _, _, onPool in results -> onPool ] false "no call on the shared pool"
                }

            testTask "Threaded.Wrap runs each call on the executor"
            <| fun () ->
                task {
                    use executor = new Threaded(3)
                    let square = executor.Wrap(fun x -> x * x)
                    let! results = Task.WhenAll [ for i in 1..10 -> square i ]
                    Expect.equal (List.ofArray results) [ for i in 1..10 -> i * i ] "results"
                    Expect.equal executor.MaxWorkers 3 "bound"
                }

            test "Threaded refuses a bound of zero or less, naming the parameter" {
                for bad in [ 0; -1 ] do
                    let e = raises<ArgumentOutOfRangeException>(fun () -> new Threaded(bad) |> ignore)
                    Expect.equal e.ParamName "maxWorkers" "parameter"
            }

            test "Threaded.Wrap and Submit refuse a null function" {
                use executor = new Threaded(1)

                let e1 =
                    raises<ArgumentNullException>(fun () -> executor.Wrap(Unchecked.defaultof<int -> int>) |> ignore)

                let e2 =
                    raises<ArgumentNullException>(fun () -> executor.Submit(Unchecked.defaultof<unit -> int>) |> ignore)

                Expect.equal (e1.ParamName, e2.ParamName) ("f", "f") "parameter"
            }

            test "Dispose blocks until accepted work is done (the documented sync bridge)" {
                let executor = new Threaded(1)
                let call = executor.Submit(fun () -> 5)
                (executor :> IDisposable).Dispose()
                Expect.isTrue call.IsCompletedSuccessfully "accepted work finished before Dispose returned"
            }
        ]
