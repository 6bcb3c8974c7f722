/// A map over a function of `Threaded` or `threaded` runs its calls in batches on the executor's threads, with no
/// task per call: the same results, order, faults and stops as any map, calls that block still run side by side up to
/// the executor's bound, each call runs in its caller's ExecutionContext, the executor is shared in FIFO order, and a
/// stop drops the calls that have not started.
module Futured.Tests.Futured.MapBatched

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open Futured
open Futured.Tests.Support
open Futured.Tests.Futured.Stops

let private inOrder =
    { MapOptions.Default with
        Order = Some Order.InOrder
    }

let private asCompleted =
    { MapOptions.Default with
        Order = Some Order.AsCompleted
    }

/// Blocks the calling (owned) thread until the gate opens or the test lets every call go; then gives the gate's
/// result or raises its fault.
let private blockOn (gate: Task<int>) (letGo: CancellationToken) =
    try
        Task.WaitAny([| gate :> Task |], letGo) |> ignore
    with :? OperationCanceledException ->
        ()

    if gate.IsCompleted then
        gate.GetAwaiter().GetResult()
    else
        -1

/// A Threaded(n) executor whose blocked calls (blockOn with LetGo) the test lets go when it is disposed, before it
/// waits (bounded) for the executor: a test that fails while calls block fails instead of waiting for them forever.
type private Gated(n: int) =
    let pool = new Threaded(n)
    let letGo = new CancellationTokenSource()
    let mutable disposed = false

    member _.Pool = pool
    member _.LetGo = letGo.Token

    interface IDisposable with
        member _.Dispose() =
            if not disposed then
                disposed <- true
                letGo.Cancel()

                if not (pool.DisposeAsync().AsTask().Wait generous) then
                    failtest "the executor's calls did not end"

                letGo.Dispose()

/// Opens one gate per step in the permutation's order, reading one result after each as completed (every call blocks
/// on its own thread until its gate opens), and checks the stream yielded exactly that order.
let private yieldsReleaseOrder (perm: int[]) =
    task {
        use gated = new Gated(perm.Length)
        let gates = sources perm.Length
        let f = gated.Pool.Wrap(fun i -> blockOn gates[i].Task gated.LetGo)

        let e =
            (Futured.mapWith asCompleted f [ 0 .. perm.Length - 1 ]).GetAsyncEnumerator()

        let yielded = ResizeArray()

        for i in perm do
            let move = e.MoveNextAsync().AsTask()
            gates[i].SetResult i
            let! moved = move.WaitAsync generous

            if moved then
                yielded.Add e.Current

        let! last = e.MoveNextAsync().AsTask().WaitAsync generous
        do! e.DisposeAsync().AsTask().WaitAsync generous
        return List.ofSeq yielded = List.ofArray perm && not last
    }

/// Every call blocks until its gate opens; the gates open in the permutation's order, all at once; the results come
/// in input order.
let private yieldsInputOrder (perm: int[]) =
    task {
        use gated = new Gated(perm.Length)
        let gates = sources perm.Length
        let mutable running = 0

        let f =
            gated.Pool.Wrap(fun i ->
                Interlocked.Increment &running |> ignore
                blockOn gates[i].Task gated.LetGo * 10)

        let results = toList (Futured.mapWith inOrder f [ 0 .. perm.Length - 1 ])
        // Calls that block fan out over the executor's threads: every one of them runs before any gate opens.
        do! waitUntil "every call running" (fun () -> Volatile.Read &running = perm.Length)

        for i in perm do
            gates[i].SetResult i

        let! got = results.WaitAsync generous
        return got = [ for i in 0 .. perm.Length - 1 -> i * 10 ]
    }

/// A map over Threaded(n) over an idle channel, stopped at position k by the cause: the stop's results and exception,
/// nothing after it, the input's move ended and the input disposed, and no call claimed beyond the window. Each call
/// blocks until its result is set (or the test lets every call go, after the checks).
let private batchedStopsCleanly (n, k, cause, bound, ordered) =
    task {
        use gated = new Gated(n)
        let channel = Channel.CreateUnbounded<int>()

        for i in 0 .. n - 1 do
            channel.Writer.TryWrite i |> ignore

        let input = TrackedInput(channel.Reader.ReadAllAsync())
        let results = sources n
        let mutable started = 0
        use optionsToken = new CancellationTokenSource()
        use enumeratorToken = new CancellationTokenSource()

        let f =
            gated.Pool.Wrap(fun i ->
                Interlocked.Increment &started |> ignore
                blockOn results[i].Task gated.LetGo)

        let options = stopOptions bound ordered cause optionsToken
        let e = (Futured.mapFrom options f input).GetAsyncEnumerator enumeratorToken.Token

        let! got, failure =
            (driveToStop e results k cause optionsToken enumeratorToken).WaitAsync generous

        let disposal = e.DisposeAsync().AsTask()
        let! disposed = Task.WhenAny(disposal, Task.Delay generous)
        Expect.isTrue (obj.ReferenceEquals(disposed, disposal)) "DisposeAsync completed"
        do! disposal
        let! after = e.MoveNextAsync()
        // Every call still blocked goes; the executor's disposal waits until its threads are done with this map.
        (gated :> IDisposable).Dispose()

        let limit = if bound = 0 then n else min n (k + bound)

        let checks =
            stopOutcome ordered cause k got failure
            @ [
                "nothing after the stop", not after
                "no input move pending", input.Pending = 0
                "the input disposed once if it was enumerated", input.Disposals = input.Enumerations
                "no call started beyond the window", Volatile.Read &started <= limit
            ]

        match checks |> List.filter (snd >> not) |> List.map fst with
        | [] -> return true
        | failed -> return failtestf "%A: yielded %A, failure %A" failed got failure
    }

/// How the deterministic drop test stops its stream.
type DropStop =
    | Disposed
    | EnumeratorCancelled
    | OptionsCancelled
    | Deadline

/// Threaded(1) maps 0 .. 9; one call blocks until the test opens its gate, after stopping the stream the given way
/// while that call runs: call 0 for a stop during a pending move, call 1 for an early DisposeAsync (which may only
/// follow a move that has ended: result 0). The one thread cannot claim the next call before the blocked one ends, so
/// no call after it may ever start.
let private dropsUnstartedCalls (stop: DropStop) =
    task {
        let pool = new Threaded(1)
        let blocked = if stop = Disposed then 1 else 0

        let gate =
            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

        let started = ConcurrentQueue<int>()
        use cancel = new CancellationTokenSource()

        let f =
            pool.Wrap(fun i ->
                started.Enqueue i

                if i = blocked then
                    gate.Task.Wait generous |> ignore

                i)

        let options =
            { MapOptions.Default with
                CancellationToken =
                    (if stop = OptionsCancelled then
                         cancel.Token
                     else
                         CancellationToken.None)
                Timeout =
                    (if stop = Deadline then
                         Some(TimeSpan.FromMilliseconds 1.0)
                     else
                         None)
            }

        let e =
            (Futured.mapWith options f [ 0..9 ])
                .GetAsyncEnumerator(
                    if stop = EnumeratorCancelled then
                        cancel.Token
                    else
                        CancellationToken.None
                )

        let move = e.MoveNextAsync().AsTask()
        do! waitUntil "the blocked call running" (fun () -> started.Count = blocked + 1)

        match stop with
        | Disposed ->
            let! moved = move.WaitAsync generous
            Expect.isTrue moved "result 0"
        | EnumeratorCancelled
        | OptionsCancelled ->
            cancel.Cancel()
            let! _ = throws<OperationCanceledException> move
            ()
        | Deadline ->
            let! _ = throwsExactly<TimeoutException> move
            ()

        do! e.DisposeAsync()
        gate.SetResult 0
        do! pool.DisposeAsync().AsTask().WaitAsync generous
        Expect.equal (List.ofSeq started) [ 0..blocked ] $"no call after the blocked one started ({stop})"
    }

[<Tests>]
let tests =
    testList
        "Futured.map over Threaded (batched)"
        [
            property
                "as completed, calls that block on their own threads yield in the order they end"
                permutations
                (yieldsReleaseOrder >> await')

            property
                "in order, calls that block all run at once and yield in input order whatever order they end in"
                permutations
                (yieldsInputOrder >> await')

            property
                "for every stop at every position over an idle channel, the stream stops cleanly and claims no call beyond its window"
                stopCases
                (batchedStopsCleanly >> await')

            testTask "a stop drops the calls that have not started, whatever stops the stream"
            <| fun () ->
                task {
                    for stop in [ Disposed; EnumeratorCancelled; OptionsCancelled; Deadline ] do
                        do! dropsUnstartedCalls stop
                }

            testTask "results are those of the function, in input order, over 10,000 items and a bound"
            <| fun () ->
                task {
                    use pool = new Threaded(4)
                    let f = pool.Wrap(fun x -> x * 3)
                    let xs = [ 0..9999 ]
                    let! all = toList (Futured.map f xs)
                    Expect.equal all [ for x in xs -> x * 3 ] "every result in input order"

                    let! bounded =
                        toList (
                            Futured.mapWith
                                { MapOptions.Default with
                                    MaxConcurrency = Some 3
                                }
                                (threaded (fun x -> x - 1))
                                (seq { 1..10000 })
                        )

                    Expect.equal bounded [ 0..9999 ] "a lazy bounded map over threaded"

                    let! pairs = toList (Futured.mapZip f [ 1..2000 ])

                    Expect.equal
                        (List.sort pairs)
                        [ for x in 1..2000 -> x, x * 3 ]
                        "mapZip pairs each item and its result"
                }

            testTask
                "a call that throws ends the stream at its place with its own exception, after every earlier result"
            <| fun () ->
                task {
                    use pool = new Threaded(2)

                    let f = pool.Wrap(fun x -> if x = 500 then raise (Boom "call 500") else x)

                    let! items, failure = collect (Futured.map f [ 0..999 ])
                    Expect.equal items [ 0..499 ] "the results before the fault"

                    match failure with
                    | Some(:? Boom as e) -> Expect.equal e.Message "call 500" "the call's own exception"
                    | other -> failtestf "expected Boom, got %A" other
                }

            testTask "each call runs in the ExecutionContext of its caller, and what a call sets there stays in it"
            <| fun () ->
                task {
                    use pool = new Threaded(1)
                    let local = AsyncLocal<int>()

                    let f =
                        pool.Wrap(fun x ->
                            let seen = local.Value
                            local.Value <- 1000 + x
                            seen)

                    local.Value <- 7
                    let! seen = toList (Futured.map f [ 1..50 ])
                    Expect.equal seen (List.replicate 50 7) "every call saw the caller's value, none another call's"

                    let suppressed = ExecutionContext.SuppressFlow()
                    let stream = Futured.map f [ 1..5 ]
                    let e = stream.GetAsyncEnumerator()
                    let first = e.MoveNextAsync()
                    suppressed.Undo()
                    let! moved = first
                    Expect.isTrue moved "a first result"
                    Expect.equal e.Current 0 "with the flow suppressed, the call ran without the caller's values"
                    do! e.DisposeAsync()
                }

            testTask "a SynchronizationContext that a call leaves on its thread does not reach the next call"
            <| fun () ->
                task {
                    use pool = new Threaded(1)

                    let f =
                        pool.Wrap(fun (_: int) ->
                            let had = not (isNull SynchronizationContext.Current)
                            SynchronizationContext.SetSynchronizationContext(SynchronizationContext())
                            had)

                    let! had = toList (Futured.map f [ 1..20 ])
                    Expect.equal had (List.replicate 20 false) "no call found one"
                }

            testTask "a map over a disposed Threaded fails with ObjectDisposedException naming it"
            <| fun () ->
                task {
                    let pool = new Threaded(2)
                    let f = pool.Wrap(fun (x: int) -> x)
                    do! pool.DisposeAsync()
                    let! items, failure = collect (Futured.map f [ 1..3 ])
                    Expect.isEmpty items "no result"

                    match failure with
                    | Some(:? ObjectDisposedException as e) ->
                        Expect.equal e.ObjectName "Threaded" "the executor is named"
                    | other -> failtestf "expected ObjectDisposedException, got %A" other
                }

            testTask "work queued on the executor by someone else runs between the map's calls, not after the map"
            <| fun () ->
                task {
                    use pool = new Threaded(1)

                    let gate =
                        TaskCompletionSource<unit>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let running =
                        TaskCompletionSource<unit>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let order = ConcurrentQueue<string>()

                    let f =
                        pool.Wrap(fun i ->
                            if i = 0 then
                                running.SetResult()
                                gate.Task.Wait generous |> ignore

                            order.Enqueue $"call {i}"
                            i)

                    let results = toList (Futured.map f [ 0..99 ])
                    do! running.Task.WaitAsync generous
                    // Call 0 holds the one thread; the outside call queues behind it, and calls 1 .. 99 wait.
                    let outside = pool.Submit(fun () -> order.Enqueue "outside")
                    gate.SetResult()
                    let! all = results.WaitAsync generous
                    do! outside.WaitAsync generous
                    Expect.equal all [ 0..99 ] "the map's results"

                    Expect.equal
                        (List.ofSeq order |> List.take 2)
                        [ "call 0"; "outside" ]
                        "the outside call ran right after call 0"
                }

            testTask "from C#, Map and MapZip over a delegate of Threaded.Wrap or Futures.Threaded run in batches too"
            <| fun () ->
                task {
                    // Only a batched map drops the calls that have not started when it stops: calls made as tasks of
                    // their own would all run after the blocked one.
                    for zip in [ false; true ] do
                        let pool = new Threaded(1)

                        let gate =
                            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                        let started = ConcurrentQueue<int>()
                        use cancel = new CancellationTokenSource()

                        let body =
                            Func<int, int>(fun i ->
                                started.Enqueue i

                                if i = 0 then
                                    gate.Task.Wait generous |> ignore

                                i)

                        let f = ExecutorExtensions.Wrap(pool, body)

                        let inputs = [ 0..9 ]

                        let move =
                            if zip then
                                FunctionExtensions
                                    .MapZip(f, inputs, cancellationToken = cancel.Token)
                                    .GetAsyncEnumerator()
                                    .MoveNextAsync()
                                    .AsTask()
                                :> Task
                            else
                                FunctionExtensions
                                    .Map(f, inputs, cancellationToken = cancel.Token)
                                    .GetAsyncEnumerator()
                                    .MoveNextAsync()
                                    .AsTask()

                        do! waitUntil "call 0 running" (fun () -> started.Count = 1)
                        cancel.Cancel()
                        let! _ = throws<OperationCanceledException> move
                        gate.SetResult 0
                        do! pool.DisposeAsync().AsTask().WaitAsync generous

                        Expect.equal (List.ofSeq started) [ 0 ] $"no call after call 0 started (zip {zip})"

                    // Futures.Threaded's pool is its own (nothing disposes it): the delegate is recognised all the same.
                    let fromFutures = Futures.Threaded(Func<int, int>(fun x -> x))

                    Expect.isTrue
                        (box (Internal.Functions.OfFunc fromFutures) :? Internal.PoolFunction<int, int>)
                        "Futures.Threaded's delegate is taken as the pool's function"

                    let other =
                        box (Internal.Functions.OfFunc(Func<int, Task<int>>(fun x -> Task.FromResult x)))

                    Expect.isFalse (other :? Internal.PoolFunction<int, int>) "any other delegate is converted"
                }
        ]
