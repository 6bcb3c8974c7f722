/// The C# facade's token-taking and ValueTask forms seen from F#: Map, MapZip and StarMap over functions that take
/// the stream's token or return a ValueTask, Futures.Asynced and Asynced.Wrap of ValueTask functions, and
/// WrapCancellable on the executors.
module Futured.Tests.FacadeCancellable

open System
open System.Collections.Generic
open System.Linq
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Facade

let private ints = [ 1; 2; 3 ]
let private asyncInts () = AsyncEnumerable.ToAsyncEnumerable ints
let private pairs = [ struct (1, 2); struct (3, 4) ]
let private asyncPairs () = AsyncEnumerable.ToAsyncEnumerable pairs

/// The zipped pairs, sorted, as F# tuples.
let private sortedPairs (zipped: struct (int * int) list) =
    zipped |> List.map (fun struct (x, y) -> x, y) |> List.sort

/// The answer of a call that checks it got a token that can be cancelled (the stream's own).
let private withStreamToken (token: CancellationToken) value =
    if token.CanBeCanceled then value else -1

let private doubleToken =
    Func<int, CancellationToken, Task<int>>(fun x token -> Task.FromResult(withStreamToken token (x * 2)))

let private addToken =
    Func<int, int, CancellationToken, Task<int>>(fun a b token -> Task.FromResult(withStreamToken token (a + b)))

/// A value task that really completes later, from a task.
let private later (value: int) =
    ValueTask<int>(
        task {
            do! Task.Yield()
            return value
        }
    )

let private doubleValue = Func<int, ValueTask<int>>(fun x -> later (x * 2))

let private doubleValueToken =
    Func<int, CancellationToken, ValueTask<int>>(fun x token -> later (withStreamToken token (x * 2)))

let private addValue = Func<int, int, ValueTask<int>>(fun a b -> later (a + b))

let private addValueToken =
    Func<int, int, CancellationToken, ValueTask<int>>(fun a b token -> later (withStreamToken token (a + b)))

/// A call that runs until its token is cancelled, and tells `observed` when the token is.
let private untilCancelled (observed: TaskCompletionSource) (token: CancellationToken) : Task<int> =
    token.Register(fun () -> observed.TrySetResult() |> ignore) |> ignore

    task {
        do! Task.Delay(Timeout.Infinite, token)
        return 0
    }

/// The stream's deadline in the tests below: the running calls' token must see it.
let private deadline = TimeSpan.FromMilliseconds 50.0

/// Checks that the stream raises TimeoutException at its deadline and that the call running then observed the
/// cancellation of its token (`observed` completes from the token's registration, not from a clock).
let private deadlineReachesTheCall (name: string) (make: TaskCompletionSource -> IAsyncEnumerable<'T>) =
    task {
        let observed =
            TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

        let e = (make observed).GetAsyncEnumerator()
        let! _ = throwsExactly<TimeoutException>(e.MoveNextAsync().AsTask())
        do! observed.Task.WaitAsync generous
        Expect.isTrue observed.Task.IsCompleted $"{name}: the running call saw its token cancelled"
        do! e.DisposeAsync()
    }

/// What a call that ignores its token needs: it starts, its token is cancelled, and it returns only when released.
type private Stubborn() =
    member val Started = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    member val Cancelled = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    member val Gate = TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

    /// Input 1 completes at once; any other input ignores its token until the gate opens.
    member this.Call (x: int) (token: CancellationToken) : Task<int> =
        if x = 1 then
            Task.FromResult 1
        else
            token.Register(fun () -> this.Cancelled.TrySetResult() |> ignore) |> ignore
            this.Started.TrySetResult() |> ignore
            this.Gate.Task

/// Reads the first result, then disposes the enumerator early (a `break` out of `await foreach`), and checks that
/// DisposeAsync cancels the running call's token and completes only once that call, which ignores it, has returned.
let private disposeWaitsForTheCall (name: string) (make: Stubborn -> IAsyncEnumerable<'T>) =
    task {
        let stubborn = Stubborn()
        let e = (make stubborn).GetAsyncEnumerator()
        let! _ = next e
        do! stubborn.Started.Task.WaitAsync generous
        let disposal = e.DisposeAsync().AsTask()
        do! stubborn.Cancelled.Task.WaitAsync generous
        Expect.isFalse disposal.IsCompleted $"{name}: DisposeAsync waits for the call that ignores its token"
        stubborn.Gate.SetResult 2
        do! disposal.WaitAsync generous
    }

/// Expects the stream to fail with the test's own exception and that message.
let private failsWithBoom (name: string) (message: string) (stream: IAsyncEnumerable<'T>) =
    task {
        let! _, failure = collect stream

        match failure with
        | Some(:? Boom as e) -> Expect.equal e.Message message $"{name}: the original message"
        | other -> failtestf "%s: expected Boom, got %A" name other
    }

[<Tests>]
let tests =
    testList
        "facade cancellable"
        [
            testTask
                "Map, MapZip and StarMap of token-taking functions yield every result and give each call the stream's token"
            <| fun () ->
                task {
                    let! mapped = listOf (doubleToken.Map ints)
                    let! mappedFrom = listOf (doubleToken.Map(asyncInts ()))
                    let! zipped = listOf (doubleToken.MapZip ints)
                    let! zippedFrom = listOf (doubleToken.MapZip(asyncInts ()))
                    let! sums = listOf (addToken.StarMap pairs)
                    let! sumsFrom = listOf (addToken.StarMap(asyncPairs ()))
                    Expect.equal mapped [ 2; 4; 6 ] "Map over a sequence, in order"
                    Expect.equal mappedFrom [ 2; 4; 6 ] "Map over an asynchronous sequence, in order"
                    Expect.equal (sortedPairs zipped) [ 1, 2; 2, 4; 3, 6 ] "MapZip over a sequence"
                    Expect.equal (sortedPairs zippedFrom) [ 1, 2; 2, 4; 3, 6 ] "MapZip over an asynchronous sequence"
                    Expect.equal sums [ 3; 7 ] "StarMap over a sequence"
                    Expect.equal sumsFrom [ 3; 7 ] "StarMap over an asynchronous sequence"
                }

            testTask "Map, MapZip and StarMap of ValueTask functions yield every result, with and without a token"
            <| fun () ->
                task {
                    let! mapped = listOf (doubleValue.Map ints)
                    let! mappedFrom = listOf (doubleValue.Map(asyncInts ()))
                    let! mappedToken = listOf (doubleValueToken.Map ints)
                    let! mappedTokenFrom = listOf (doubleValueToken.Map(asyncInts ()))
                    let! zipped = listOf (doubleValue.MapZip ints)
                    let! zippedFrom = listOf (doubleValue.MapZip(asyncInts ()))
                    let! zippedToken = listOf (doubleValueToken.MapZip ints)
                    let! zippedTokenFrom = listOf (doubleValueToken.MapZip(asyncInts ()))
                    let! sums = listOf (addValue.StarMap pairs)
                    let! sumsFrom = listOf (addValue.StarMap(asyncPairs ()))
                    let! sumsToken = listOf (addValueToken.StarMap pairs)
                    let! sumsTokenFrom = listOf (addValueToken.StarMap(asyncPairs ()))

                    for name, got in
                        [
                            "Map", mapped
                            "Map from", mappedFrom
                            "Map with a token", mappedToken
                            "Map from with a token", mappedTokenFrom
                        ] do
                        Expect.equal got [ 2; 4; 6 ] $"{name}, in order"

                    for name, got in
                        [
                            "MapZip", zipped
                            "MapZip from", zippedFrom
                            "MapZip with a token", zippedToken
                            "MapZip from with a token", zippedTokenFrom
                        ] do
                        Expect.equal (sortedPairs got) [ 1, 2; 2, 4; 3, 6 ] $"{name}: each input with its result"

                    for name, got in
                        [
                            "StarMap", sums
                            "StarMap from", sumsFrom
                            "StarMap with a token", sumsToken
                            "StarMap from with a token", sumsTokenFrom
                        ] do
                        Expect.equal got [ 3; 7 ] $"{name}, in order"
                }

            testTask "the new overloads pass the order and the bound on to the stream"
            <| fun () ->
                task {
                    let first =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let second =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let pick i =
                        if i = 0 then first.Task else second.Task

                    let e =
                        (Func<int, CancellationToken, Task<int>>(fun i _ -> pick i))
                            .Map([ 0; 1 ], order = Order.AsCompleted)
                            .GetAsyncEnumerator()

                    let pending = e.MoveNextAsync()
                    second.SetResult 2
                    let! _ = pending
                    let b = e.Current
                    first.SetResult 1
                    let! a = next e
                    do! e.DisposeAsync()
                    Expect.equal [ b; a ] [ 2; 1 ] "completion order, as asked"

                    let inFlight = ref 0
                    let most = ref 0
                    let sync = obj ()

                    let counted =
                        Func<int, CancellationToken, ValueTask<int>>(fun i _ ->
                            let now = Interlocked.Increment &inFlight.contents
                            lock sync (fun () -> most.Value <- max most.Value now)

                            ValueTask<int>(
                                task {
                                    do! Task.Yield()
                                    Interlocked.Decrement &inFlight.contents |> ignore
                                    return i
                                }
                            ))

                    let! firstTwenty =
                        listOf (counted.Map(Seq.initInfinite id, maxConcurrency = 2).Take(20))

                    Expect.equal firstTwenty [ 0..19 ] "an endless input, lazily, in order"
                    Expect.isLessThanOrEqual most.Value 2 "never more than two in flight"
                }

            testTask "a deadline cancels the token every token-taking overload's running call got"
            <| fun () ->
                task {
                    let task' (observed: TaskCompletionSource) =
                        Func<int, CancellationToken, Task<int>>(fun _ token -> untilCancelled observed token)

                    let value (observed: TaskCompletionSource) =
                        Func<int, CancellationToken, ValueTask<int>>(fun _ token ->
                            ValueTask<int>(untilCancelled observed token))

                    let task2 (observed: TaskCompletionSource) =
                        Func<int, int, CancellationToken, Task<int>>(fun _ _ token -> untilCancelled observed token)

                    let value2 (observed: TaskCompletionSource) =
                        Func<int, int, CancellationToken, ValueTask<int>>(fun _ _ token ->
                            ValueTask<int>(untilCancelled observed token))

                    do! deadlineReachesTheCall "Map" (fun o -> (task' o).Map([ 1 ], timeout = deadline))
                    do! deadlineReachesTheCall "Map from" (fun o -> (task' o).Map(asyncInts (), timeout = deadline))
                    do! deadlineReachesTheCall "MapZip" (fun o -> (task' o).MapZip([ 1 ], timeout = deadline))

                    do!
                        deadlineReachesTheCall "MapZip from" (fun o ->
                            (task' o).MapZip(asyncInts (), timeout = deadline))

                    do! deadlineReachesTheCall "StarMap" (fun o -> (task2 o).StarMap(pairs, timeout = deadline))

                    do!
                        deadlineReachesTheCall "StarMap from" (fun o ->
                            (task2 o).StarMap(asyncPairs (), timeout = deadline))

                    do! deadlineReachesTheCall "ValueTask Map" (fun o -> (value o).Map([ 1 ], timeout = deadline))

                    do!
                        deadlineReachesTheCall "ValueTask Map from" (fun o ->
                            (value o).Map(asyncInts (), timeout = deadline))

                    do! deadlineReachesTheCall "ValueTask MapZip" (fun o -> (value o).MapZip([ 1 ], timeout = deadline))

                    do!
                        deadlineReachesTheCall "ValueTask MapZip from" (fun o ->
                            (value o).MapZip(asyncInts (), timeout = deadline))

                    do!
                        deadlineReachesTheCall "ValueTask StarMap" (fun o ->
                            (value2 o).StarMap(pairs, timeout = deadline))

                    do!
                        deadlineReachesTheCall "ValueTask StarMap from" (fun o ->
                            (value2 o).StarMap(asyncPairs (), timeout = deadline))
                }

            testTask
                "a deadline reaches a blocking call wrapped by Threaded.WrapCancellable and an async one by Asynced.WrapCancellable"
            <| fun () ->
                task {
                    use pool = new Threaded(2)
                    use limiter = new Asynced(2)

                    do!
                        deadlineReachesTheCall "Threaded.WrapCancellable" (fun observed ->
                            let blocking =
                                pool.WrapCancellable(
                                    Func<int, CancellationToken, int>(fun x token ->
                                        token.WaitHandle.WaitOne() |> ignore
                                        observed.TrySetResult() |> ignore
                                        token.ThrowIfCancellationRequested()
                                        x)
                                )

                            blocking.Map([ 1; 2 ], timeout = deadline))

                    do!
                        deadlineReachesTheCall "Asynced.WrapCancellable" (fun observed ->
                            let waiting =
                                limiter.WrapCancellable(
                                    Func<int, CancellationToken, Task<int>>(fun _ token ->
                                        untilCancelled observed token)
                                )

                            waiting.Map([ 1; 2 ], timeout = deadline))
                }

            testTask "DisposeAsync after an early break waits for a running call that ignores its token"
            <| fun () ->
                task {
                    let task' (s: Stubborn) =
                        Func<int, CancellationToken, Task<int>>(fun x token -> s.Call x token)

                    let value (s: Stubborn) =
                        Func<int, CancellationToken, ValueTask<int>>(fun x token -> ValueTask<int>(s.Call x token))

                    let task2 (s: Stubborn) =
                        Func<int, int, CancellationToken, Task<int>>(fun x _ token -> s.Call x token)

                    let value2 (s: Stubborn) =
                        Func<int, int, CancellationToken, ValueTask<int>>(fun x _ token ->
                            ValueTask<int>(s.Call x token))

                    let two = [ 1; 2 ]
                    let twoPairs = [ struct (1, 0); struct (2, 0) ]
                    do! disposeWaitsForTheCall "Map" (fun s -> (task' s).Map two)

                    do!
                        disposeWaitsForTheCall "Map from" (fun s ->
                            (task' s).Map(AsyncEnumerable.ToAsyncEnumerable two))

                    do! disposeWaitsForTheCall "MapZip" (fun s -> (task' s).MapZip two)

                    do!
                        disposeWaitsForTheCall "MapZip from" (fun s ->
                            (task' s).MapZip(AsyncEnumerable.ToAsyncEnumerable two))

                    do! disposeWaitsForTheCall "StarMap" (fun s -> (task2 s).StarMap twoPairs)

                    do!
                        disposeWaitsForTheCall "StarMap from" (fun s ->
                            (task2 s).StarMap(AsyncEnumerable.ToAsyncEnumerable twoPairs))

                    do! disposeWaitsForTheCall "ValueTask Map" (fun s -> (value s).Map two)

                    do!
                        disposeWaitsForTheCall "ValueTask Map from" (fun s ->
                            (value s).Map(AsyncEnumerable.ToAsyncEnumerable two))

                    do! disposeWaitsForTheCall "ValueTask MapZip" (fun s -> (value s).MapZip two)

                    do!
                        disposeWaitsForTheCall "ValueTask MapZip from" (fun s ->
                            (value s).MapZip(AsyncEnumerable.ToAsyncEnumerable two))

                    do! disposeWaitsForTheCall "ValueTask StarMap" (fun s -> (value2 s).StarMap twoPairs)

                    do!
                        disposeWaitsForTheCall "ValueTask StarMap from" (fun s ->
                            (value2 s).StarMap(AsyncEnumerable.ToAsyncEnumerable twoPairs))
                }

            testTask "a ValueTask function's fault surfaces as the original exception, thrown early or late"
            <| fun () ->
                task {
                    let lateBoom () =
                        ValueTask<int>(
                            task {
                                do! Task.Yield()
                                return raise (Boom "late")
                            }
                        )

                    let early = Func<int, ValueTask<int>>(fun _ -> raise (Boom "early"))
                    let late = Func<int, ValueTask<int>>(fun _ -> lateBoom ())
                    let lateToken = Func<int, CancellationToken, ValueTask<int>>(fun _ _ -> lateBoom ())

                    let earlyToken =
                        Func<int, CancellationToken, ValueTask<int>>(fun _ _ -> raise (Boom "early"))

                    let late2 = Func<int, int, ValueTask<int>>(fun _ _ -> lateBoom ())

                    let late2Token =
                        Func<int, int, CancellationToken, ValueTask<int>>(fun _ _ _ -> lateBoom ())

                    do! failsWithBoom "Map, thrown early" "early" (early.Map [ 1 ])
                    do! failsWithBoom "Map" "late" (late.Map [ 1 ])
                    do! failsWithBoom "Map from" "late" (late.Map(asyncInts ()))
                    do! failsWithBoom "Map with a token, thrown early" "early" (earlyToken.Map [ 1 ])
                    do! failsWithBoom "Map with a token" "late" (lateToken.Map [ 1 ])
                    do! failsWithBoom "MapZip" "late" (late.MapZip [ 1 ])
                    do! failsWithBoom "MapZip with a token" "late" (lateToken.MapZip(asyncInts ()))
                    do! failsWithBoom "StarMap" "late" (late2.StarMap pairs)
                    do! failsWithBoom "StarMap with a token" "late" (late2Token.StarMap(asyncPairs ()))

                    let! e = throwsExactly<Boom>((Futures.Asynced late).Invoke 1)
                    Expect.equal e.Message "late" "Futures.Asynced: the original exception"
                    let call = (Futures.Asynced early).Invoke 1
                    let! e = throwsExactly<Boom> call
                    Expect.equal e.Message "early" "Futures.Asynced: a synchronous throw faults the task"
                    use limiter = new Asynced(1)
                    let! e = throwsExactly<Boom>((limiter.Wrap late).Invoke 1)
                    Expect.equal e.Message "late" "Asynced.Wrap: the original exception"
                    let! e = throwsExactly<Boom>((limiter.Wrap early).Invoke 1)
                    Expect.equal e.Message "early" "Asynced.Wrap: a synchronous throw faults the task"
                }

            testTask "Futures.Asynced and Asynced.Wrap of ValueTask functions give their results through the limiter"
            <| fun () ->
                task {
                    let! doubled = (Futures.Asynced doubleValue).Invoke 21
                    Expect.equal doubled 42 "Futures.Asynced"
                    use limiter = new Asynced(1)

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let busy = limiter.Submit(Func<Task<int>>(fun () -> gate.Task))
                    let ran = ref false

                    let wrapped =
                        limiter.Wrap(
                            Func<int, ValueTask<int>>(fun x ->
                                ran.Value <- true
                                later (x * 2))
                        )

                    let queued = wrapped.Invoke 21
                    Expect.isFalse ran.Value "the call waits for the limiter's one slot"
                    gate.SetResult 5
                    let! five = busy
                    let! result = queued
                    Expect.equal (five, result) (5, 42) "results"
                }

            testTask "WrapCancellable hands the caller's token to the function and cancels a queued call"
            <| fun () ->
                task {
                    use pool = new Threaded(1)
                    use limiter = new Asynced(1)
                    use cts = new CancellationTokenSource()

                    let! sameToken =
                        (pool.WrapCancellable(Func<int, CancellationToken, bool>(fun _ token -> token = cts.Token)))
                            .Invoke(1, cts.Token)

                    let! sameTokenAsync =
                        (limiter.WrapCancellable(
                            Func<int, CancellationToken, Task<bool>>(fun _ token ->
                                Task.FromResult((token = cts.Token)))
                        ))
                            .Invoke(1, cts.Token)

                    Expect.isTrue sameToken "Threaded.WrapCancellable: the caller's token"
                    Expect.isTrue sameTokenAsync "Asynced.WrapCancellable: the caller's token"

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let busy = limiter.Submit(Func<Task<int>>(fun () -> gate.Task))
                    let ran = ref false

                    let wrapped =
                        limiter.WrapCancellable(
                            Func<int, CancellationToken, Task<int>>(fun x _ ->
                                ran.Value <- true
                                Task.FromResult x)
                        )

                    let queued = wrapped.Invoke(1, cts.Token)
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> queued
                    gate.SetResult 5
                    let! _ = busy
                    Expect.isFalse ran.Value "the cancelled call never started"
                }

            test "the new overloads refuse null arguments, naming the parameter" {
                let nullToken: Func<int, CancellationToken, Task<int>> = null
                let nullToken2: Func<int, int, CancellationToken, Task<int>> = null
                let nullValue: Func<int, ValueTask<int>> = null
                let nullValueToken: Func<int, CancellationToken, ValueTask<int>> = null
                let nullValue2: Func<int, int, ValueTask<int>> = null
                let nullValue2Token: Func<int, int, CancellationToken, ValueTask<int>> = null
                let nullSyncToken: Func<int, CancellationToken, int> = null
                let nullInts: IEnumerable<int> = null
                let nullAsyncInts: IAsyncEnumerable<int> = null
                let nullPairs: IEnumerable<struct (int * int)> = null
                let nullAsyncPairs: IAsyncEnumerable<struct (int * int)> = null
                let emptyInts () = AsyncEnumerable.Empty<int>()

                let emptyPairs () =
                    AsyncEnumerable.Empty<struct (int * int)>()

                nullNamed "function" (fun () -> nullToken.Map [ 1 ])
                nullNamed "function" (fun () -> nullToken.Map(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleToken.Map nullInts)
                nullNamed "inputs" (fun () -> doubleToken.Map nullAsyncInts)
                nullNamed "function" (fun () -> nullToken.MapZip [ 1 ])
                nullNamed "function" (fun () -> nullToken.MapZip(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleToken.MapZip nullInts)
                nullNamed "inputs" (fun () -> doubleToken.MapZip nullAsyncInts)
                nullNamed "function" (fun () -> nullToken2.StarMap pairs)
                nullNamed "function" (fun () -> nullToken2.StarMap(emptyPairs ()))
                nullNamed "pairs" (fun () -> addToken.StarMap nullPairs)
                nullNamed "pairs" (fun () -> addToken.StarMap nullAsyncPairs)
                nullNamed "function" (fun () -> nullValue.Map [ 1 ])
                nullNamed "function" (fun () -> nullValue.Map(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleValue.Map nullInts)
                nullNamed "inputs" (fun () -> doubleValue.Map nullAsyncInts)
                nullNamed "function" (fun () -> nullValueToken.Map [ 1 ])
                nullNamed "function" (fun () -> nullValueToken.Map(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleValueToken.Map nullInts)
                nullNamed "inputs" (fun () -> doubleValueToken.Map nullAsyncInts)
                nullNamed "function" (fun () -> nullValue.MapZip [ 1 ])
                nullNamed "function" (fun () -> nullValue.MapZip(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleValue.MapZip nullInts)
                nullNamed "inputs" (fun () -> doubleValue.MapZip nullAsyncInts)
                nullNamed "function" (fun () -> nullValueToken.MapZip [ 1 ])
                nullNamed "function" (fun () -> nullValueToken.MapZip(emptyInts ()))
                nullNamed "inputs" (fun () -> doubleValueToken.MapZip nullInts)
                nullNamed "inputs" (fun () -> doubleValueToken.MapZip nullAsyncInts)
                nullNamed "function" (fun () -> nullValue2.StarMap pairs)
                nullNamed "function" (fun () -> nullValue2.StarMap(emptyPairs ()))
                nullNamed "pairs" (fun () -> addValue.StarMap nullPairs)
                nullNamed "pairs" (fun () -> addValue.StarMap nullAsyncPairs)
                nullNamed "function" (fun () -> nullValue2Token.StarMap pairs)
                nullNamed "function" (fun () -> nullValue2Token.StarMap(emptyPairs ()))
                nullNamed "pairs" (fun () -> addValueToken.StarMap nullPairs)
                nullNamed "pairs" (fun () -> addValueToken.StarMap nullAsyncPairs)
                nullNamed "function" (fun () -> Futures.Asynced nullValue)
                use pool = new Threaded(1)
                use limiter = new Asynced(1)

                nullNamed "executor" (fun () ->
                    Unchecked.defaultof<Threaded>.WrapCancellable(Func<int, CancellationToken, int>(fun x _ -> x)))

                nullNamed "function" (fun () -> pool.WrapCancellable nullSyncToken)
                nullNamed "executor" (fun () -> Unchecked.defaultof<Asynced>.WrapCancellable doubleToken)
                nullNamed "function" (fun () -> limiter.WrapCancellable nullToken)
                nullNamed "executor" (fun () -> Unchecked.defaultof<Asynced>.Wrap doubleValue)
                nullNamed "function" (fun () -> limiter.Wrap nullValue)
            }

            test "the new overloads refuse a timeout or a bound out of range, naming the C# parameter" {
                let negative = TimeSpan.FromSeconds -1.0
                outOfRangeNamed "timeout" (fun () -> doubleToken.Map([ 1 ], timeout = negative))
                outOfRangeNamed "timeout" (fun () -> doubleToken.MapZip(asyncInts (), timeout = TimeSpan.MaxValue))
                outOfRangeNamed "timeout" (fun () -> addToken.StarMap(pairs, timeout = negative))
                outOfRangeNamed "timeout" (fun () -> doubleValue.Map([ 1 ], timeout = TimeSpan.MaxValue))
                outOfRangeNamed "timeout" (fun () -> doubleValueToken.MapZip([ 1 ], timeout = negative))
                outOfRangeNamed "timeout" (fun () -> addValueToken.StarMap(asyncPairs (), timeout = negative))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleToken.Map(asyncInts (), maxConcurrency = 0))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleToken.MapZip([ 1 ], maxConcurrency = -1))
                outOfRangeNamed "maxConcurrency" (fun () -> addToken.StarMap(asyncPairs (), maxConcurrency = 0))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleValue.MapZip(asyncInts (), maxConcurrency = 0))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleValueToken.Map([ 1 ], maxConcurrency = 0))
                outOfRangeNamed "maxConcurrency" (fun () -> addValue.StarMap(pairs, maxConcurrency = 0))
            }
        ]
