/// Helpers the test files share: collecting streams, TaskCompletionSource-driven inputs and FsCheck generators.
module Futured.Tests.Support

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp

/// Enumerates a whole stream; returns what it yielded and the exception that ended it, if any.
let collect (xs: IAsyncEnumerable<'T>) : Task<'T list * exn option> =
    task {
        let acc = ResizeArray<'T>()
        let e = xs.GetAsyncEnumerator()
        let mutable failure = None

        try
            let mutable go = true

            while go do
                let! moved = e.MoveNextAsync()

                if moved then acc.Add e.Current else go <- false
        with ex ->
            failure <- Some ex

        do! e.DisposeAsync()
        return List.ofSeq acc, failure
    }

/// Enumerates a whole stream that must not fail.
let toList (xs: IAsyncEnumerable<'T>) : Task<'T list> =
    task {
        let! items, failure = collect xs

        match failure with
        | Some e -> return failwithf "the stream failed after %A: %O" items e
        | None -> return items
    }

/// Waits synchronously inside a test or property body (tests may block; the library may not).
let await' (t: Task<'T>) = t.GetAwaiter().GetResult()

/// A set of n TaskCompletionSources whose continuations run asynchronously.
let sources n =
    Array.init n (fun _ -> TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously))

/// A permutation of 0 .. n-1, with n from 1 to 25.
let permutations: Arbitrary<int[]> =
    gen {
        let! n = Gen.choose (1, 25)
        return! Gen.shuffle [| 0 .. n - 1 |]
    }
    |> Arb.fromGen

/// Permutations of up to 300 elements: enough for an as-completed map to look for a task beyond the places it
/// checks first.
let largePermutations: Arbitrary<int[]> =
    gen {
        let! n = Gen.choose (1, 300)
        return! Gen.shuffle [| 0 .. n - 1 |]
    }
    |> Arb.fromGen

/// A permutation together with a cut point k (0..n) in it.
let permutationsWithCut: Arbitrary<int[] * int> =
    gen {
        let! n = Gen.choose (1, 25)
        let! perm = Gen.shuffle [| 0 .. n - 1 |]
        let! k = Gen.choose (0, n)
        return perm, k
    }
    |> Arb.fromGen

/// FsCheck configuration: at least 100 cases per property.
let config =
    { FsCheckConfig.defaultConfig with
        maxTest = 100
    }

/// A property over generated values, run with the shared configuration.
let property name (arb: Arbitrary<'a>) (body: 'a -> bool) =
    testPropertyWithConfig config name (Prop.forAll arb body)

/// Generous slack for tests that need a real deadline to pass: used only as an upper bound.
let generous = TimeSpan.FromSeconds 30.0

/// Runs a task-returning test body.
let testTask name (body: unit -> Task) =
    testCaseAsync name (async { do! body () |> Async.AwaitTask })

/// Expects the task to fail with exactly the exception type 'E and returns the exception.
let throwsExactly<'E when 'E :> exn> (t: Task) : Task<'E> =
    task {
        try
            do! t
            return failtestf "expected %s, but the task succeeded" typeof<'E>.Name
        with
        | :? 'E as e when e.GetType() = typeof<'E> -> return e
        | e -> return failtestf "expected %s, got %O" typeof<'E>.Name e
    }

/// Expects the task to fail with 'E or a subtype (for OperationCanceledException/TaskCanceledException).
let throws<'E when 'E :> exn> (t: Task) : Task<'E> =
    task {
        try
            do! t
            return failtestf "expected %s, but the task succeeded" typeof<'E>.Name
        with
        | :? 'E as e -> return e
        | e -> return failtestf "expected %s, got %O" typeof<'E>.Name e
    }

/// An exception type only the tests raise, so that "the original type" is unmistakable.
type Boom(message: string) =
    inherit Exception(message)

/// A sequence that counts how many items were pulled from it.
type CountingSeq(limit: int option) =
    let mutable pulled = 0
    member _.Pulled = Volatile.Read &pulled

    member _.Items =
        seq {
            let mutable i = 0

            while (match limit with
                   | Some l -> i < l
                   | None -> true) do
                Interlocked.Increment &pulled |> ignore
                yield i
                i <- i + 1
        }

/// Polls a condition until it holds (never used to order events: only to wait for one that must happen).
let waitUntil (what: string) (condition: unit -> bool) : Task =
    task {
        let clock = Diagnostics.Stopwatch.StartNew()

        while not (condition ()) do
            if clock.Elapsed > generous then
                failtestf "gave up waiting for: %s" what

            do! Task.Yield()
    }

/// Reads one item from an enumerator that must yield one.
let next (e: IAsyncEnumerator<'T>) : Task<'T> =
    task {
        let! moved = e.MoveNextAsync()

        if not moved then
            failtest "the stream ended early"

        return e.Current
    }

/// Checks that an enumerator has ended.
let ended (e: IAsyncEnumerator<'T>) : Task =
    task {
        let! moved = e.MoveNextAsync()
        Expect.isFalse moved "the stream should have ended"
    }

/// Expects the call to throw 'E (or a subtype) synchronously and returns the exception.
let raises<'E when 'E :> exn> (f: unit -> unit) : 'E =
    try
        f ()
        failtestf "expected %s, but nothing was thrown" typeof<'E>.Name
    with
    | :? 'E as e -> e
    | e -> failtestf "expected %s, got %O" typeof<'E>.Name e

/// Completes one TaskCompletionSource per step in the permutation's order, reading one item after each, and
/// checks that the stream built over their tasks yielded exactly that completion order and then ended.
let yieldsCompletionOrder (stream: seq<Task<int>> -> IAsyncEnumerable<int>) (perm: int[]) : bool =
    task {
        let tcs = sources perm.Length
        let e = (stream [ for t in tcs -> t.Task ]).GetAsyncEnumerator()
        let yielded = ResizeArray()

        for i in perm do
            let pending = e.MoveNextAsync()
            tcs[i].SetResult i
            let! moved = pending

            if moved then
                yielded.Add e.Current

        let! last = e.MoveNextAsync()
        do! e.DisposeAsync()
        return List.ofSeq yielded = List.ofArray perm && not last
    }
    |> await'

/// A timer of ManualClock: it fires only when the test fires its clock.
type ManualTimer(callback: TimerCallback, state: obj, dueTime: TimeSpan) =
    let mutable due = dueTime
    let mutable disposed = false

    /// Started (given a finite due time) and not disposed.
    member _.Armed = not disposed && due <> Timeout.InfiniteTimeSpan

    /// Runs the callback once if the timer is armed.
    member this.Fire() =
        if this.Armed then
            due <- Timeout.InfiniteTimeSpan
            callback.Invoke state

    interface ITimer with
        member _.Change(dueTime, _) =
            due <- dueTime
            true

        member _.Dispose() = disposed <- true

        member _.DisposeAsync() =
            disposed <- true
            ValueTask()

/// A clock whose timers fire only when the test calls Fire: a deadline passes exactly where the test says,
/// without waiting for real time.
type ManualClock() =
    inherit TimeProvider()
    let timers = ResizeArray<ManualTimer>()

    member _.Timers = lock timers (fun () -> List.ofSeq timers)

    /// Some timer of this clock has been started and has not fired.
    member this.Armed = this.Timers |> List.exists (fun t -> t.Armed)

    /// Fires every started timer: every deadline on this clock passes now.
    member this.Fire() =
        for t in this.Timers do
            t.Fire()

    override _.CreateTimer(callback, state, dueTime, _) =
        let timer = new ManualTimer(callback, state, dueTime)
        lock timers (fun () -> timers.Add timer)
        timer :> ITimer

/// Wraps an asynchronous sequence and counts what its consumer does with it: every MoveNextAsync, the ones still
/// pending, every DisposeAsync, and the token it was enumerated with.
type TrackedInput<'T>(source: IAsyncEnumerable<'T>) =
    let mutable enumerations = 0
    let mutable moves = 0
    let mutable pending = 0
    let mutable disposals = 0
    let mutable token = CancellationToken.None

    member _.Enumerations = Volatile.Read &enumerations
    member _.Moves = Volatile.Read &moves
    member _.Pending = Volatile.Read &pending
    member _.Disposals = Volatile.Read &disposals
    member _.Token = token

    member private _.Moved() =
        Interlocked.Increment &moves |> ignore
        Interlocked.Increment &pending |> ignore

    member private _.Settled() =
        Interlocked.Decrement &pending |> ignore

    member private _.Disposed() =
        Interlocked.Increment &disposals |> ignore

    interface IAsyncEnumerable<'T> with
        member this.GetAsyncEnumerator cancellationToken =
            Interlocked.Increment &enumerations |> ignore
            token <- cancellationToken
            let inner = source.GetAsyncEnumerator cancellationToken

            { new IAsyncEnumerator<'T> with
                member _.Current = inner.Current

                member _.MoveNextAsync() =
                    this.Moved()

                    let move =
                        try
                            inner.MoveNextAsync()
                        with _ ->
                            this.Settled()
                            reraise ()

                    if move.IsCompleted then
                        this.Settled()
                        move
                    else
                        ValueTask<bool>(
                            task {
                                try
                                    return! move
                                finally
                                    this.Settled()
                            }
                        )

                member _.DisposeAsync() =
                    this.Disposed()
                    inner.DisposeAsync()
            }

/// What became of one call: its result, or the exception that faulted it (never raised here).
let outcome (call: Task<'T>) : Task<Result<'T, exn>> =
    task {
        try
            let! result = call
            return Ok result
        with e ->
            return Error e
    }
