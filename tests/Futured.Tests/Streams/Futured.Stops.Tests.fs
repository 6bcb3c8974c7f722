/// How a stream stops: every stop (fault, deadline, cancellation, early DisposeAsync) ends the input's pending move and
/// lets DisposeAsync complete; a failure of the input surfaces at its place; a deadline never drops a result that
/// was already there.
module Futured.Tests.Futured.Stops

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open Futured
open Futured.Internal
open Futured.Tests.Support

/// How an input fails when asked for the item after its last one.
type InputFailure =
    /// MoveNextAsync throws instead of returning.
    | Throws
    /// MoveNextAsync returns a ValueTask that has already faulted.
    | Faulted
    /// MoveNextAsync returns a ValueTask that faults later.
    | FaultsLater
    /// The input is a seq whose MoveNext throws.
    | SeqThrows

/// An asynchronous input of 1 .. last that fails, the given way, when asked for one more item. Counts the
/// MoveNextAsync calls made after it failed.
type FailingInput(last: int, how: InputFailure) =
    let mutable afterFailure = 0

    member _.CallsAfterFailure = Volatile.Read &afterFailure

    member private _.CalledAfterFailure() =
        Interlocked.Increment &afterFailure |> ignore

    interface IAsyncEnumerable<int> with
        member this.GetAsyncEnumerator _ =
            let i = ref 0

            { new IAsyncEnumerator<int> with
                member _.Current = i.Value

                member _.MoveNextAsync() =
                    if i.Value > last then
                        this.CalledAfterFailure()

                    if i.Value >= last then
                        i.Value <- last + 1

                        match how with
                        | Throws
                        | SeqThrows -> raise (Boom "the input failed")
                        | Faulted -> ValueTask<bool>(Task.FromException<bool>(Boom "the input failed"))
                        | FaultsLater ->
                            ValueTask<bool>(
                                task {
                                    do! Task.Yield()
                                    return raise (Boom "the input failed")
                                }
                            )
                    else
                        i.Value <- i.Value + 1
                        ValueTask<bool> true

                member _.DisposeAsync() = ValueTask()
            }

/// Maps x to x * 10 over an input of 1 .. last that then fails the given way.
let mapOverFailingInput (options: MapOptions) (f: int -> Task<int>) last how =
    match how with
    | SeqThrows ->
        let xs =
            seq {
                yield! [ 1..last ]
                raise (Boom "the input failed")
            }

        Futured.mapWith options f xs
    | _ -> Futured.mapFrom options f (FailingInput(last, how))

/// Why a stream stops in the property below.
type StopCause =
    | CallFaults
    | DeadlinePasses
    | OptionsTokenCancelled
    | EnumeratorTokenCancelled
    | DisposedEarly

/// n items, the position k where the stream stops, why, a bound (0 = none) and the order.
let stopCases =
    gen {
        let! n = Gen.choose (1, 12)
        let! k = Gen.choose (0, n - 1)

        let! cause =
            Gen.elements
                [
                    CallFaults
                    DeadlinePasses
                    OptionsTokenCancelled
                    EnumeratorTokenCancelled
                    DisposedEarly
                ]

        let! bound = Gen.choose (0, 3)
        let! ordered = Gen.elements [ true; false ]
        return n, k, cause, bound, ordered
    }
    |> Arb.fromGen

/// Input failures at every position, with every kind of failure, bound and order.
let inputFailureCases =
    gen {
        let! last = Gen.choose (0, 12)
        let! how = Gen.elements [ Throws; Faulted; FaultsLater; SeqThrows ]
        let! bound = Gen.choose (0, 4)
        let! ordered = Gen.elements [ true; false ]
        return last, how, bound, ordered
    }
    |> Arb.fromGen

let private options bound ordered =
    { MapOptions.Default with
        MaxConcurrency = (if bound = 0 then None else Some bound)
        Order = Some(if ordered then Order.InOrder else Order.AsCompleted)
    }

/// The options of a stop case: its bound and order, the options' token, and a 1 ms deadline when the deadline is
/// what stops it.
let stopOptions bound ordered cause (optionsToken: CancellationTokenSource) =
    { options bound ordered with
        CancellationToken = optionsToken.Token
        Timeout =
            match cause with
            | DeadlinePasses -> Some(TimeSpan.FromMilliseconds 1.0)
            | _ -> None
    }

/// Whether a stream driven to its stop by driveToStop yielded the right results (k * 10 for the first k calls; with a
/// real deadline, never more, and in order when ordered) and ended with the right exception.
let stopOutcome ordered cause k (got: int list) (failure: exn option) =
    let expected = [ for i in 0 .. k - 1 -> i * 10 ]

    let rightResults =
        match cause with
        // How much the pass yields before a real deadline passes is a matter of time; never more, and in order.
        | DeadlinePasses ->
            if ordered then
                got = List.truncate got.Length expected
            else
                got |> List.forall (fun r -> List.contains r expected)
                && List.distinct got = got
        | _ -> (if ordered then got else List.sort got) = expected

    let rightFailure =
        match cause, failure with
        | CallFaults, Some(:? Boom) -> true
        | DeadlinePasses, Some(:? TimeoutException) -> true
        | (OptionsTokenCancelled | EnumeratorTokenCancelled), Some(:? OperationCanceledException) -> true
        | DisposedEarly, None -> true
        | _ -> false

    [
        "the results before the stop", rightResults
        "the stop's exception", rightFailure
    ]

/// Drives an enumerator of a map over the calls results[0 .. n-1] to its stop at position k. For a deadline, the first
/// k calls have already completed when they start and the rest never do; the stream is read until it fails.
/// Otherwise k results are read (each call completed as it is asked for), then the stream is stopped by the cause:
/// a fault of call k, a token, or nothing for an early DisposeAsync. Gives what was yielded and what ended the stream.
let driveToStop
    (e: IAsyncEnumerator<int>)
    (results: TaskCompletionSource<int>[])
    k
    cause
    (optionsToken: CancellationTokenSource)
    (enumeratorToken: CancellationTokenSource)
    =
    task {
        let yielded = ResizeArray()
        let mutable failure = None

        match cause with
        | DeadlinePasses ->
            for i in 0 .. k - 1 do
                results[i].SetResult(i * 10)

            try
                while true do
                    let! moved = e.MoveNextAsync()

                    if moved then
                        yielded.Add e.Current
                    else
                        failtest "the stream ended without its deadline"
            with ex ->
                failure <- Some ex
        | _ ->
            for i in 0 .. k - 1 do
                let move = e.MoveNextAsync().AsTask()
                results[i].SetResult(i * 10)
                let! moved = move

                if moved then
                    yielded.Add e.Current

            match cause with
            | DisposedEarly -> ()
            | _ ->
                let move = e.MoveNextAsync().AsTask()

                match cause with
                | CallFaults -> results[k].SetException(Boom "the call failed")
                | OptionsTokenCancelled -> optionsToken.Cancel()
                | _ -> enumeratorToken.Cancel()

                try
                    let! _ = move
                    failtest "the stream went on after its stop"
                with ex ->
                    failure <- Some ex

        return List.ofSeq yielded, failure
    }

/// Stops a mapFrom over a channel (that stays open and idle after its n items) at position k, then checks that
/// DisposeAsync completes, that no MoveNextAsync of the input is left pending, that the input was disposed once,
/// that no call started after the stop, and that no call the pass started is still running: each call waits for
/// its result or for the token the pass gave its input, which every stop must cancel.
let stopsCleanly (n, k, cause, bound, ordered) =
    task {
        let channel = Channel.CreateUnbounded<int>()

        for i in 0 .. n - 1 do
            channel.Writer.TryWrite i |> ignore

        let input = TrackedInput(channel.Reader.ReadAllAsync())
        let results = sources n
        let mutable started = 0
        let mutable running = 0
        use optionsToken = new CancellationTokenSource()
        use enumeratorToken = new CancellationTokenSource()

        let f i =
            Interlocked.Increment &started |> ignore
            Interlocked.Increment &running |> ignore
            let call = results[i].Task.WaitAsync input.Token

            call.ContinueWith(
                (fun (_: Task<int>) -> Interlocked.Decrement &running |> ignore),
                TaskContinuationOptions.ExecuteSynchronously
            )
            |> ignore

            call

        let options = stopOptions bound ordered cause optionsToken

        let e = (Futured.mapFrom options f input).GetAsyncEnumerator enumeratorToken.Token
        let! got, failure = driveToStop e results k cause optionsToken enumeratorToken

        let startedAtStop = Volatile.Read &started
        let disposal = e.DisposeAsync().AsTask()
        let! disposed = Task.WhenAny(disposal, Task.Delay generous)
        Expect.isTrue (obj.ReferenceEquals(disposed, disposal)) "DisposeAsync completed"
        do! disposal
        let! after = e.MoveNextAsync()
        // A deadline cancels the calls from the timer's thread, which may still be at it.
        do! waitUntil "every call the pass started has ended" (fun () -> Volatile.Read &running = 0)

        let withinWindow =
            let limit = if bound = 0 then n else min n (k + bound)
            startedAtStop <= limit

        let checks =
            stopOutcome ordered cause k got failure
            @ [
                "nothing after the stop", not after
                "no input move pending", input.Pending = 0
                "the input disposed once if it was enumerated", input.Disposals = input.Enumerations
                "no call started after the stop", Volatile.Read &started = startedAtStop
                "no call started beyond the window", withinWindow
            ]

        match checks |> List.filter (snd >> not) |> List.map fst with
        | [] -> return true
        | failed -> return failtestf "%A: yielded %A, failure %A" failed got failure
    }

/// A plan of the engine over an input whose first item comes at once and whose next MoveNextAsync waits until the
/// pass stops; its single call is the given task, and its deadline runs on the given clock.
let private racePlan
    ordered
    (clock: TimeProvider)
    (call: Task<int>)
    (input: IAsyncEnumerable<int>)
    : Plan<int, int, int> =
    {
        Input = FromTaskSeq input
        Start = Plain(fun _ -> call)
        Project = fun _ result -> result
        Ordered = ordered
        Window = Int32.MaxValue
        Timeout = ValueSome(TimeSpan.FromMinutes 1.0)
        CancellationToken = CancellationToken.None
        Clock = clock
        NullTaskParameter = "f"
        NullTaskMessage = "null"
    }

/// An input of one item whose next MoveNextAsync waits until the test, by calling ListenForStop, has it listen to
/// the token it was given: a stop then cancels that move at once, before anything else the stop wakes.
type LateListeningInput() =
    let next = TaskCompletionSource<bool>()
    let mutable token = CancellationToken.None
    let mutable moves = 0

    member _.ListenForStop() =
        token.Register(fun () -> next.TrySetCanceled token |> ignore) |> ignore

    member _.Pending =
        if Volatile.Read &moves = 2 && not next.Task.IsCompleted then
            1
        else
            0

    member private _.Moved() = Interlocked.Increment &moves

    interface IAsyncEnumerable<int> with
        member this.GetAsyncEnumerator cancellationToken =
            token <- cancellationToken

            { new IAsyncEnumerator<int> with
                member _.Current = 0

                member _.MoveNextAsync() =
                    if this.Moved() = 1 then
                        ValueTask<bool> true
                    else
                        ValueTask<bool>(next.Task)

                member _.DisposeAsync() = ValueTask()
            }

/// One item, then a wait that ends only when the token the input was given is cancelled.
let private oneItemThenIdle () =
    let channel = Channel.CreateUnbounded<int>()
    channel.Writer.TryWrite 0 |> ignore
    TrackedInput(channel.Reader.ReadAllAsync())

[<Tests>]
let tests =
    testList
        "stream stops"
        [
            testCase
                "a move that the pass's token cancelled is the stop, not the input's failure, though the pass had not yet seen it stopping"
            <| fun () ->
                // A deadline can pass between the pass reading whether it stops and the input's move ending: the move
                // is then cancelled by the pass's own token, and must not surface as a TaskCanceledException of the input.
                use stop = new CancellationTokenSource()
                stop.Cancel()

                let input =
                    { new IAsyncEnumerable<int> with
                        member _.GetAsyncEnumerator token =
                            { new IAsyncEnumerator<int> with
                                member _.Current = 0

                                member _.MoveNextAsync() =
                                    ValueTask<bool>(Task.FromCanceled<bool> token)

                                member _.DisposeAsync() = ValueTask()
                            }
                    }

                let pump = InputPump<int>(FromTaskSeq input, stop.Token)
                pump.Open()
                let mutable item = 0
                Expect.isFalse (pump.Next(false, &item)) "no item"
                Expect.isNull pump.Fault "not a failure of the input"

            testTask "mapFrom over an idle channel: a call that faults ends the stream and DisposeAsync completes"
            <| fun () ->
                task {
                    let channel = Channel.CreateUnbounded<int>()
                    do! channel.Writer.WriteAsync 1
                    let input = TrackedInput(channel.Reader.ReadAllAsync())

                    let call =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let e =
                        (Futured.mapFrom MapOptions.Default (fun _ -> call.Task) input).GetAsyncEnumerator()

                    let move = e.MoveNextAsync().AsTask()
                    do! waitUntil "the input waits for its next item" (fun () -> input.Pending = 1)
                    call.SetException(Boom "the call failed")
                    let! _ = throwsExactly<Boom> move
                    let disposal = e.DisposeAsync().AsTask()
                    let! first = Task.WhenAny(disposal, Task.Delay generous)
                    Expect.isTrue (obj.ReferenceEquals(first, disposal)) "DisposeAsync completed"
                    do! disposal
                    Expect.equal (input.Pending, input.Disposals) (0, 1) "the input's move ended and it was disposed"
                }

            testTask
                "an asynchronous input that throws, faults or faults later, and a seq that throws, all yield [10; 20] before the failure"
            <| fun () ->
                task {
                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 2
                        }

                    for how in [ Throws; Faulted; FaultsLater; SeqThrows ] do
                        let! items, failure =
                            collect (mapOverFailingInput options (fun x -> Task.FromResult(x * 10)) 2 how)

                        Expect.equal items [ 10; 20 ] $"the results before the failure ({how})"
                        Expect.isTrue (failure |> Option.exists (fun e -> e :? Boom)) $"then the failure ({how})"
                }

            property
                "a failure of the input surfaces after the result of every item taken before it, whatever its kind, bound and order"
                inputFailureCases
            <| fun (last, how, bound, ordered) ->
                task {
                    let f x =
                        task {
                            do! Task.Yield()
                            return x * 10
                        }

                    let! items, failure =
                        collect (mapOverFailingInput (options bound ordered) f last how)

                    let expected = [ for x in 1..last -> x * 10 ]

                    return
                        (if ordered then items else List.sort items) = expected
                        && (failure |> Option.exists (fun e -> e :? Boom))
                }
                |> await'

            testTask
                "an input that throws inside the slow path stops the pass: the result before it comes first, then nothing"
            <| fun () ->
                task {
                    let first =
                        TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let mutable moves = 0

                    let input =
                        { new IAsyncEnumerable<int> with
                            member _.GetAsyncEnumerator _ =
                                { new IAsyncEnumerator<int> with
                                    member _.Current = 1

                                    member _.MoveNextAsync() =
                                        match Interlocked.Increment &moves with
                                        // The first item arrives while the stream waits, so the next move is
                                        // asked for inside the waiting MoveNextAsync.
                                        | 1 -> ValueTask<bool>(first.Task)
                                        | _ -> raise (Boom "the input failed")

                                    member _.DisposeAsync() = ValueTask()
                                }
                        }

                    let e =
                        (Futured.mapFrom MapOptions.Default (fun x -> Task.FromResult(x * 10)) input)
                            .GetAsyncEnumerator()

                    let move = e.MoveNextAsync().AsTask()
                    first.SetResult true
                    let! moved = move
                    Expect.isTrue (moved && e.Current = 10) "the result of the item before the failure"
                    let! _ = throwsExactly<Boom>(e.MoveNextAsync().AsTask())
                    let movesThen = Volatile.Read &moves
                    let! after = e.MoveNextAsync()
                    do! e.DisposeAsync()
                    Expect.isFalse after "the stream has ended"
                    Expect.equal (Volatile.Read &moves) movesThen "the input is not asked again after it failed"
                }

            testTask
                "a completion that lands just before the deadline is yielded before the TimeoutException, never dropped"
            <| fun () ->
                task {
                    for round in 1..100 do
                        for ordered in [ true; false ] do
                            let clock = ManualClock()
                            let input = LateListeningInput()

                            // In order the pass waits on the call itself, so its continuations run later; as
                            // completed it waits on its queue, which the call reaches while completing.
                            let call =
                                TaskCompletionSource<int>(
                                    if ordered then
                                        TaskCreationOptions.RunContinuationsAsynchronously
                                    else
                                        TaskCreationOptions.None
                                )

                            let e =
                                (Stream(racePlan ordered clock call.Task input) :> TaskSeq<int>).GetAsyncEnumerator()

                            let move = e.MoveNextAsync().AsTask()
                            Expect.equal input.Pending 1 "the input waits for its next item"
                            // The stream waits for the call and the input. The call completes; then, before the
                            // stream has woken for it, the deadline passes and ends the input's move first.
                            input.ListenForStop()
                            call.SetResult 10
                            clock.Fire()
                            let! moved = move

                            Expect.isTrue
                                (moved && e.Current = 10)
                                $"round {round}, ordered {ordered}: the result that was there came first"

                            let! _ = throwsExactly<TimeoutException>(e.MoveNextAsync().AsTask())
                            do! e.DisposeAsync()
                            Expect.equal input.Pending 0 "the input's move ended"
                }

            testTask "the deadline's clock starts at the first MoveNextAsync, not when the enumerator is made"
            <| fun () ->
                task {
                    let clock = ManualClock()
                    let input = oneItemThenIdle ()
                    let call = Task.FromResult 10

                    let e =
                        (Stream(racePlan true clock call input) :> TaskSeq<int>).GetAsyncEnumerator()

                    Expect.isFalse clock.Armed "no deadline runs before the first move"
                    let! first = next e
                    Expect.equal first 10 "the completed result"
                    Expect.isTrue clock.Armed "the deadline runs from the first move"
                    let move = e.MoveNextAsync().AsTask()
                    clock.Fire()
                    let! _ = throwsExactly<TimeoutException> move
                    do! e.DisposeAsync()
                }

            property
                "for every stop cause at every position, DisposeAsync completes and nothing is left running"
                stopCases
            <| fun case -> stopsCleanly case |> await'
        ]
