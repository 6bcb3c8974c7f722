/// The dedicated threads behind `threaded` and `Threaded`: started on demand, retired when idle.
module Futured.Tests.Executors.OwnThreads

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Internal
open Futured.Tests.Support

/// Short enough that the threads retire while the test polls for it.
let private brief = TimeSpan.FromMilliseconds 50.0

/// Long enough that only disposal can retire the threads while a test runs.
let private forever = TimeSpan.FromHours 1.0

/// Starts `n` calls that block until their gate opens, and waits until all of them run.
let private blockOn (submit: (unit -> unit) -> Task<unit>) (n: int) =
    task {
        let gate = new ManualResetEventSlim()
        let mutable running = 0

        let calls =
            [
                for _ in 1..n ->
                    submit (fun () ->
                        Interlocked.Increment &running |> ignore
                        gate.Wait())
            ]

        do! waitUntil "every call runs" (fun () -> Volatile.Read &running = n)
        return gate, calls
    }

[<Tests>]
let tests =
    testList
        "own threads"
        [
            testTask "a Threaded executor holds no thread until called, one per running call, and none once idle"
            <| fun () ->
                task {
                    use executor = new Threaded(4, brief)
                    Expect.equal executor.Pool.Threads 0 "no thread before the first call"
                    let! gate, calls = blockOn (fun (f: unit -> unit) -> executor.Submit<unit>(f)) 3
                    Expect.equal executor.Pool.Threads 3 "one thread per running call"
                    gate.Set()
                    let! _ = Task.WhenAll calls
                    do! waitUntil "the idle threads retire" (fun () -> executor.Pool.Threads = 0)
                    // Retired threads come back on demand.
                    let! again = executor.Submit(fun () -> 5)
                    Expect.equal again 5 "a call after retirement runs"
                }

            testTask "a threaded wrapper holds no thread until called, and its threads retire when idle"
            <| fun () ->
                task {
                    let pool = OwnThreads(OwnThreads.ThreadedBound, brief, false, "threaded")
                    let wrapped = threadedOn pool (fun (f: unit -> unit) -> f ())
                    Expect.equal pool.Threads 0 "no thread before the first call"
                    let n = OwnThreads.ThreadedBound
                    let! gate, calls = blockOn wrapped n
                    Expect.equal pool.Threads n "one thread per running call, up to the bound"
                    gate.Set()
                    let! _ = Task.WhenAll calls
                    do! waitUntil "the idle threads retire" (fun () -> pool.Threads = 0)
                }

            // Alone: while it runs, the idle threads of every other `threaded` pool retire at once.
            testSequenced
            <| testTask
                "idle threads beyond 256 across threaded's pools retire at once: a wrapper per call cannot pile up threads"
                (fun () ->
                    task {
                        // Pools whose idle threads would otherwise wait an hour, one call each, as a `threaded`
                        // made inside a loop would have.
                        let pools = [ for _ in 1..300 -> OwnThreads(1, forever, false, "threaded") ]

                        try
                            let! _ = Task.WhenAll [ for pool in pools -> threadedOn pool (fun () -> 1) () ]

                            do!
                                waitUntil "the threads beyond the number kept retire" (fun () ->
                                    pools |> List.sumBy (fun p -> p.Threads) <= 256)
                        finally
                            // The threads kept retire too, leaving the number to the rest of the run.
                            for pool in pools do
                                pool.Close() |> ignore
                    })

            testTask "disposing an executor retires its threads at once, not after their idle time"
            <| fun () ->
                task {
                    let executor = new Threaded(3, forever)
                    let! gate, calls = blockOn (fun (f: unit -> unit) -> executor.Submit<unit>(f)) 3
                    gate.Set()
                    let! _ = Task.WhenAll calls
                    Expect.equal executor.Pool.Threads 3 "the threads wait for more work"
                    do! executor.DisposeAsync()
                    do! waitUntil "the threads retire" (fun () -> executor.Pool.Threads = 0)
                }

            testTask "an idle thread takes the next call instead of a new thread starting"
            <| fun () ->
                task {
                    use executor = new Threaded(4, forever)
                    let! first = executor.Submit(fun () -> Thread.CurrentThread.ManagedThreadId)
                    do! waitUntil "the thread sleeps" (fun () -> executor.Pool.Idle = 1)
                    let! second = executor.Submit(fun () -> Thread.CurrentThread.ManagedThreadId)
                    Expect.equal second first "the same thread ran both calls"
                    Expect.equal executor.Pool.Threads 1 "one thread"
                }

            testTask "a call that leaves an interrupt pending on its thread does not end the thread"
            <| fun () ->
                task {
                    use executor = new Threaded(1, forever)

                    let! first =
                        executor.Submit(fun () ->
                            Thread.CurrentThread.Interrupt()
                            Thread.CurrentThread.ManagedThreadId)

                    // The pending interrupt surfaces in the thread's own waits, spinning or asleep.
                    do! waitUntil "the thread sleeps" (fun () -> executor.Pool.Idle = 1)
                    let! second = executor.Submit(fun () -> Thread.CurrentThread.ManagedThreadId)
                    Expect.equal second first "the same thread ran the next call"
                    Expect.equal executor.Pool.Threads 1 "one thread"
                }

            testTask "calls from several producers all complete while the threads sleep, wake and retire between them"
            <| fun () ->
                task {
                    // Many short calls from several producers at once: no call is lost between a sleeping
                    // thread and a producer, whatever the interleaving.
                    use executor = new Threaded(3, TimeSpan.FromMilliseconds 1.0)

                    let producers =
                        [
                            for p in 0..3 ->
                                Task.Run<int[]>(fun () ->
                                    task {
                                        let results = ResizeArray()

                                        for i in 0..4999 do
                                            let! r = executor.Submit(fun () -> p * 10000 + i)
                                            results.Add r

                                        return results.ToArray()
                                    })
                        ]

                    let! all = Task.WhenAll producers

                    for p in 0..3 do
                        Expect.equal (List.ofArray all[p]) [ for i in 0..4999 -> p * 10000 + i ] "every result"
                }

            testTask "many calls submitted at once all complete while threads start and retire"
            <| fun () ->
                task {
                    use executor = new Threaded(5, TimeSpan.FromMilliseconds 1.0)

                    for round in 1..20 do
                        let! results =
                            Task.WhenAll [ for i in 1..500 -> executor.Submit(fun () -> i * round) ]

                        Expect.equal results.Length 500 "every call completed"
                        Expect.equal (Array.sum results) (round * 500 * 501 / 2) "every result"
                }
        ]
