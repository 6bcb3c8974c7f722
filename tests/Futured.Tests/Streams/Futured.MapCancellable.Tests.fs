/// The Cancellable forms of the map family: every call gets the stream's token, every stop cancels it where the calls
/// run, and DisposeAsync completes only once every call has finished.
module Futured.Tests.Futured.MapCancellable

open System
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open Futured
open Futured.Tests.Support
open Futured.Tests.Futured.Stops

/// How a call answers the cancellation of its token in the property below.
type Answer =
    /// Ends with OperationCanceledException at once, as HttpClient and Task.Delay do.
    | AtOnce
    /// Ends a moment later, from another thread: DisposeAsync must wait for it.
    | Later

/// n items, the position k where the stream stops, why, a bound (0 = none), the order, the input kind (true: an
/// idle channel that stays open after its items) and how the calls answer their token.
let private cases =
    gen {
        let! n, k, cause, bound, ordered = stopCases.Generator
        let! fromChannel = Gen.elements [ true; false ]
        let! answer = Gen.elements [ AtOnce; Later ]
        return n, k, cause, bound, ordered, fromChannel, answer
    }
    |> Arb.fromGen

/// Stops a Cancellable map at position k and checks, as soon as DisposeAsync has completed, that no call is still
/// running and that every call either completed with its result or saw its token cancelled.
let private stopsRunningCalls (n, k, cause, bound, ordered, fromChannel, answer) =
    task {
        let results = sources n
        let mutable running = 0
        let tokens = Collections.Concurrent.ConcurrentDictionary<int, CancellationToken>()
        use optionsToken = new CancellationTokenSource()
        use enumeratorToken = new CancellationTokenSource()

        let f (i: int) (token: CancellationToken) : Task<int> =
            Interlocked.Increment &running |> ignore
            tokens[i] <- token

            task {
                try
                    match answer with
                    | AtOnce -> return! results[i].Task.WaitAsync token
                    | Later ->
                        let late =
                            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                        use _ =
                            token.Register(fun () -> Task.Run(fun () -> late.TrySetCanceled token |> ignore) |> ignore)

                        let! first = Task.WhenAny(results[i].Task, late.Task)
                        return! first
                finally
                    Interlocked.Decrement &running |> ignore
            }

        let options = stopOptions bound ordered cause optionsToken

        let stream =
            if fromChannel then
                let channel = Channel.CreateUnbounded<int>()

                for i in 0 .. n - 1 do
                    channel.Writer.TryWrite i |> ignore

                Futured.mapCancellableFrom options f (channel.Reader.ReadAllAsync())
            else
                Futured.mapCancellableWith options f [ 0 .. n - 1 ]

        let e = stream.GetAsyncEnumerator enumeratorToken.Token
        let! got, failure = driveToStop e results k cause optionsToken enumeratorToken
        let disposal = e.DisposeAsync().AsTask()
        let! disposed = Task.WhenAny(disposal, Task.Delay generous)
        Expect.isTrue (obj.ReferenceEquals(disposed, disposal)) "DisposeAsync completed"
        do! disposal
        let stillRunning = Volatile.Read &running

        let untouched =
            [
                for KeyValue(i, token) in tokens do
                    if not token.IsCancellationRequested && not results[i].Task.IsCompletedSuccessfully then
                        i
            ]

        let checks =
            [
                "no call still running after DisposeAsync", stillRunning = 0
                "every call completed or saw its token cancelled", untouched.IsEmpty
            ]
            @ stopOutcome ordered cause k got failure

        match checks |> List.filter (snd >> not) |> List.map fst with
        | [] -> return true
        | failed -> return failtestf "%A: yielded %A, failure %A, untouched %A" failed got failure untouched
    }

let private ok x = Task.FromResult(x * 10)

/// A call that waits until its token is cancelled and then ends with OperationCanceledException, as HttpClient does.
let private untilCancelled (token: CancellationToken) : Task<int> =
    task {
        do! Task.Delay(Timeout.InfiniteTimeSpan, token)
        return 0
    }

[<Tests>]
let tests =
    testList
        "Futured.mapCancellable"
        [
            property
                "for every stop at every position, no call runs after DisposeAsync and each completed or was cancelled"
                cases
            <| fun case -> stopsRunningCalls case |> await'

            testTask "mapCancellable yields the results in input order and gives every call the same stream token"
            <| fun () ->
                task {
                    let seen = Collections.Concurrent.ConcurrentBag<CancellationToken>()

                    let f x (token: CancellationToken) =
                        seen.Add token
                        ok x

                    let! got = toList (Futured.mapCancellable f [ 1; 2; 3 ])
                    Expect.equal got [ 10; 20; 30 ] "in order"
                    Expect.equal (seen |> Seq.distinct |> Seq.length) 1 "one token for the stream"
                    Expect.isTrue (seen |> Seq.forall (fun t -> t.CanBeCanceled)) "a token the stream can cancel"
                }

            testTask "each enumeration of a Cancellable stream gets a token of its own"
            <| fun () ->
                task {
                    let seen = Collections.Concurrent.ConcurrentBag<CancellationToken>()

                    let stream =
                        Futured.mapCancellable
                            (fun x token ->
                                seen.Add token
                                ok x)
                            [ 1 ]

                    let! _ = toList stream
                    let! _ = toList stream
                    Expect.equal (seen |> Seq.distinct |> Seq.length) 2 "two tokens"
                }

            testTask "mapZipCancellable and mapZipCancellableWith pair every input with its result"
            <| fun () ->
                task {
                    let f x (_: CancellationToken) = ok x
                    let! plain = toList (Futured.mapZipCancellable f [ 1; 2; 3 ])

                    let! inOrder =
                        toList (
                            Futured.mapZipCancellableWith
                                { MapOptions.Default with
                                    Order = Some Order.InOrder
                                }
                                f
                                [ 1; 2; 3 ]
                        )

                    Expect.equal (List.sort plain) [ (1, 10); (2, 20); (3, 30) ] "as completed"
                    Expect.equal inOrder [ (1, 10); (2, 20); (3, 30) ] "in order"
                }

            testTask "mapZipCancellableFrom and mapCancellableFrom read an asynchronous input"
            <| fun () ->
                task {
                    let f x (_: CancellationToken) = ok x

                    let! zipped =
                        toList (Futured.mapZipCancellableFrom MapOptions.Default f (Linq.AsyncEnumerable.Range(1, 3)))

                    let! mapped =
                        toList (Futured.mapCancellableFrom MapOptions.Default f (Linq.AsyncEnumerable.Range(1, 3)))

                    Expect.equal (List.sort zipped) [ (1, 10); (2, 20); (3, 30) ] "pairs"
                    Expect.equal mapped [ 10; 20; 30 ] "results"
                }

            testTask "starmapCancellable and starmapCancellableWith call the function with both arguments and a token"
            <| fun () ->
                task {
                    let f a b (token: CancellationToken) =
                        Task.FromResult(if token.CanBeCanceled then a * b else -1)

                    let! got = toList (Futured.starmapCancellable f [ (2, 3); (4, 5) ])

                    let! bounded =
                        toList (
                            Futured.starmapCancellableWith
                                { MapOptions.Default with
                                    MaxConcurrency = Some 1
                                }
                                f
                                [ (2, 3); (4, 5) ]
                        )

                    Expect.equal got [ 6; 20 ] "products"
                    Expect.equal bounded [ 6; 20 ] "products, one at a time"
                }

            testTask "a deadline cancels the running calls while the consumer waits, and raises TimeoutException"
            <| fun () ->
                task {
                    let cancelled =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let f (_: int) (token: CancellationToken) : Task<int> =
                        token.Register(fun () -> cancelled.TrySetResult() |> ignore) |> ignore
                        untilCancelled token

                    let e =
                        (Futured.mapCancellableWith
                            { MapOptions.Default with
                                Timeout = Some(TimeSpan.FromMilliseconds 20.0)
                            }
                            f
                            [ 1; 2 ])
                            .GetAsyncEnumerator()

                    let! failure = throwsExactly<TimeoutException>(e.MoveNextAsync().AsTask())
                    Expect.stringContains failure.Message "deadline" "the deadline's own message"
                    do! cancelled.Task.WaitAsync generous
                    do! e.DisposeAsync()
                }

            testTask "DisposeAsync waits for a call that ignores its token, and completes once it returns"
            <| fun () ->
                task {
                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let started =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let f (_: int) (_: CancellationToken) =
                        started.TrySetResult() |> ignore
                        gate.Task

                    let e = (Futured.mapCancellable f [ 1 ]).GetAsyncEnumerator()
                    let move = e.MoveNextAsync().AsTask()
                    do! started.Task
                    let disposal = e.DisposeAsync().AsTask()
                    Expect.isFalse disposal.IsCompleted "still waiting for the call"
                    gate.SetResult 1
                    do! disposal
                    let! moved = move
                    Expect.isFalse moved "the disposed stream yields nothing more"
                }

            testTask "without a stop, a call that ends in OperationCanceledException surfaces as its own fault"
            <| fun () ->
                task {
                    use own = new CancellationTokenSource()
                    own.Cancel()

                    let f (_: int) (_: CancellationToken) = Task.FromCanceled<int> own.Token

                    let! _, failure = collect (Futured.mapCancellable f [ 1 ])

                    match failure with
                    | Some(:? OperationCanceledException as e) ->
                        Expect.equal e.CancellationToken own.Token "the call's own cancellation"
                    | other -> failtestf "expected the call's cancellation, got %A" other
                }

            testTask "a fault of one call cancels the token of the calls still running"
            <| fun () ->
                task {
                    let cancelled =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let f (i: int) (token: CancellationToken) : Task<int> =
                        if i = 1 then
                            Task.FromException<int>(Boom "first")
                        else
                            token.Register(fun () -> cancelled.TrySetResult() |> ignore) |> ignore
                            untilCancelled token

                    let! _, failure = collect (Futured.mapZipCancellable f [ 2; 1 ])

                    Expect.isTrue
                        (match failure with
                         | Some(:? Boom) -> true
                         | _ -> false)
                        "the fault"

                    do! cancelled.Task.WaitAsync generous
                }

            test "null functions and inputs are refused naming the parameter" {
                let f (x: int) (_: CancellationToken) = ok x
                let nf = Unchecked.defaultof<int -> CancellationToken -> Task<int>>
                let nf2 = Unchecked.defaultof<int -> int -> CancellationToken -> Task<int>>
                let xs = [ 1 ]
                let nxs = Unchecked.defaultof<int list>
                let ax = Linq.AsyncEnumerable.Range(1, 1)
                let nax = Unchecked.defaultof<TaskSeq<int>>
                let o = MapOptions.Default

                let name (call: unit -> unit) =
                    (raises<ArgumentNullException> call).ParamName

                let cases =
                    [
                        "f", (fun () -> Futured.mapCancellable nf xs |> ignore)
                        "xs", (fun () -> Futured.mapCancellable f nxs |> ignore)
                        "f", (fun () -> Futured.mapCancellableWith o nf xs |> ignore)
                        "xs", (fun () -> Futured.mapCancellableWith o f nxs |> ignore)
                        "f", (fun () -> Futured.mapCancellableFrom o nf ax |> ignore)
                        "xs", (fun () -> Futured.mapCancellableFrom o f nax |> ignore)
                        "f", (fun () -> Futured.mapZipCancellable nf xs |> ignore)
                        "xs", (fun () -> Futured.mapZipCancellable f nxs |> ignore)
                        "f", (fun () -> Futured.mapZipCancellableWith o nf xs |> ignore)
                        "xs", (fun () -> Futured.mapZipCancellableWith o f nxs |> ignore)
                        "f", (fun () -> Futured.mapZipCancellableFrom o nf ax |> ignore)
                        "xs", (fun () -> Futured.mapZipCancellableFrom o f nax |> ignore)
                        "f", (fun () -> Futured.starmapCancellable nf2 [ 1, 1 ] |> ignore)
                        "pairs",
                        (fun () ->
                            Futured.starmapCancellable (fun a b _ -> ok (a + b)) Unchecked.defaultof<_>
                            |> ignore)
                        "f", (fun () -> Futured.starmapCancellableWith o nf2 [ 1, 1 ] |> ignore)
                        "pairs",
                        (fun () ->
                            Futured.starmapCancellableWith o (fun a b _ -> ok (a + b)) Unchecked.defaultof<_>
                            |> ignore)
                    ]

                for expected, call in cases do
                    Expect.equal (name call) expected $"names {expected}"
            }

            test "a bound of zero is refused naming options" {
                let e =
                    raises<ArgumentOutOfRangeException>(fun () ->
                        Futured.mapCancellableWith
                            { MapOptions.Default with
                                MaxConcurrency = Some 0
                            }
                            (fun (x: int) _ -> ok x)
                            [ 1 ]
                        |> ignore)

                Expect.equal e.ParamName "options" "names options"
            }
        ]
