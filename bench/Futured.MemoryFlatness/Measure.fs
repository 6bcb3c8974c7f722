/// What one child process measures: a bounded lazy map over N items, or one as-completed stream over N
/// pending tasks. Every run checks its own result so that a figure never comes from a wrong answer.
module Futured.MemoryFlatness.Measure

open System
open System.Collections.Generic
open System.Diagnostics
open System.Threading
open System.Threading.Tasks
open System.Threading.Tasks.Dataflow
open Futured
open Futured.Benchmarks.Drain

/// The figures of a bounded map run.
type MapFigures =
    {
        Items: int
        Elapsed: TimeSpan
        /// The process's peak resident set (VmHWM on Linux), in bytes.
        PeakWorkingSet: int64
        /// Bytes on the managed heap after the run, before any forced collection.
        HeapAfter: int64
        /// Bytes allocated on the managed heap by the whole process.
        Allocated: int64
        Gen2Collections: int
    }

/// The figures of as-completed passes.
type CompletedFigures =
    {
        Tasks: int
        /// The elapsed time of every pass, from the start of the enumeration to its end.
        Passes: TimeSpan list
    }

/// The process's peak resident set so far, in bytes.
let peakWorkingSet () =
    use self = Process.GetCurrentProcess()
    self.Refresh()
    self.PeakWorkingSet64

/// The sum of 1 .. n, what adding one to every item of 0 .. n-1 must give.
let private expected (n: int) = int64 n * (int64 n + 1L) / 2L

let private check (what: string) (n: int) (sum: int64) =
    if sum <> expected n then
        failwith $"{what} over {n} items added up to {sum} instead of {expected n}."

/// Which side runs the bounded lazy map.
type MapSide =
    /// `Futured.mapWith` with `MaxConcurrency = Some 64`.
    | FuturedSide
    /// Dataflow's bounded, ordered `TransformBlock` (`BoundedCapacity = 64`, `MaxDegreeOfParallelism = 64`,
    /// `EnsureOrdered`), fed with `SendAsync` while it is drained.
    | DataflowSide

/// The work of each call of the bounded lazy map.
type MapWork =
    /// A trivial synchronous function (`threaded f` for Futured, the block's synchronous body for Dataflow).
    | SyncWork
    /// A trivial asynchronous function that suspends once (`Task.Yield`).
    | AsyncWork

let private incLater (x: int) : Task<int> =
    task {
        do! Task.Yield()
        return x + 1
    }

/// Feeds 0 .. n-1 lazily to a bounded, ordered block and adds up its outputs as they come.
let private throughDataflow (work: MapWork) (n: int) : Task<int64> =
    let options =
        ExecutionDataflowBlockOptions(MaxDegreeOfParallelism = 64, BoundedCapacity = 64, EnsureOrdered = true)

    let block =
        match work with
        | SyncWork -> TransformBlock<int, int>(Func<int, int>(fun x -> x + 1), options)
        | AsyncWork -> TransformBlock<int, int>(Func<int, Task<int>> incLater, options)

    let feeding =
        task {
            for x in seq { 0 .. n - 1 } do
                let! _ = block.SendAsync x
                ()

            block.Complete()
        }

    task {
        let mutable sum = 0L
        let mutable go = true

        while go do
            let! more = block.OutputAvailableAsync()

            if more then
                let mutable v = 0

                while block.TryReceive(null, &v) do
                    sum <- sum + int64 v
            else
                go <- false

        do! feeding
        do! block.Completion
        return sum
    }

/// A bounded lazy map of trivial calls over 0 .. n-1, produced lazily, 64 calls at most in flight.
let boundedMap (side: MapSide) (work: MapWork) (n: int) : Task<MapFigures> =
    task {
        let options =
            { MapOptions.Default with
                MaxConcurrency = Some 64
            }

        let gen2 = GC.CollectionCount 2
        let clock = Stopwatch.StartNew()

        let! sum =
            match side, work with
            | FuturedSide, SyncWork ->
                Futured.mapWith options (threaded (fun x -> x + 1)) (seq { 0 .. n - 1 })
                |> sumBy id
            | FuturedSide, AsyncWork -> Futured.mapWith options incLater (seq { 0 .. n - 1 }) |> sumBy id
            | DataflowSide, _ -> throughDataflow work n

        clock.Stop()
        check $"the bounded map ({side}, {work})" n sum

        return
            {
                Items = n
                Elapsed = clock.Elapsed
                PeakWorkingSet = peakWorkingSet ()
                HeapAfter = GC.GetTotalMemory false
                Allocated = GC.GetTotalAllocatedBytes false
                Gen2Collections = GC.CollectionCount 2 - gen2
            }
    }

/// The time from the start of a stream to its first result while four blocking calls hold threads: a
/// `threaded` function whose calls for 0 .. 3 block until released; once the four run, an as-completed map
/// of the same function over 10,000 further inputs starts, and the time to its first result is measured.
/// The blocking calls are then released and every result is checked. With warm, the same stream runs once
/// before (over another `threaded` function, nothing blocking) so that the figure leaves out the JIT
/// compilation of the stream's code; the process and its thread pool are fresh either way.
let firstResult (warm: bool) : Task<TimeSpan> =
    task {
        let blockers = 4
        let calls = 10_000

        let asCompleted =
            { MapOptions.Default with
                Order = Some Order.AsCompleted
            }

        if warm then
            let! warmed =
                Futured.mapWith asCompleted (threaded (fun (x: int) -> x + 1)) [| 0 .. calls - 1 |]
                |> sumBy id

            check "the warm-up stream" calls warmed

        use release = new ManualResetEventSlim(false)

        let running =
            TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

        let mutable started = 0

        let f =
            threaded (fun (x: int) ->
                if x < blockers then
                    if Interlocked.Increment &started = blockers then
                        running.SetResult()

                    release.Wait()

                x + 1)

        let blocking = [| for x in 0 .. blockers - 1 -> f x |]
        do! running.Task

        let clock = Stopwatch.StartNew()

        let e =
            (Futured.mapWith asCompleted f [| blockers .. blockers + calls - 1 |]).GetAsyncEnumerator()

        let! first = e.MoveNextAsync()
        let elapsed = clock.Elapsed
        release.Set()

        if not first then
            failwith "The stream ended without a result."

        let mutable sum = int64 e.Current
        let mutable go = true

        while go do
            let! moved = e.MoveNextAsync()

            if moved then sum <- sum + int64 e.Current else go <- false

        do! e.DisposeAsync()
        let! early = Task.WhenAll blocking
        let total = sum + (early |> Array.sumBy int64)
        check "the first-result stream and its blocking calls" (blockers + calls) total
        return elapsed
    }

/// Which implementation consumes the tasks as they complete.
type Consumer =
    | FuturedAsCompleted
    | TaskWhenEach

/// One pass: n pending tasks, the stream started over them, then the tasks completed in reverse order
/// (the order that costs most to a consumer that rescans its pending set).
let private completedPass (consumer: Consumer) (n: int) : Task<TimeSpan> =
    task {
        let sources = Array.init n (fun _ -> TaskCompletionSource<int>())
        let tasks = sources |> Array.map (fun s -> s.Task)
        let clock = Stopwatch.StartNew()

        let consuming =
            match consumer with
            | FuturedAsCompleted -> Futured.asCompleted tasks |> sumBy id
            | TaskWhenEach -> Task.WhenEach(tasks) |> sumBy (fun t -> t.Result)

        for i in n - 1 .. -1 .. 0 do
            sources[i].SetResult(i + 1)

        let! sum = consuming
        clock.Stop()
        check $"{consumer}" n sum
        return clock.Elapsed
    }

/// Runs `passes` as-completed passes over n tasks each, after warm-up passes over a thousand tasks so
/// that the measured passes run optimised code whatever N is.
let asCompleted (consumer: Consumer) (n: int) (passes: int) : Task<CompletedFigures> =
    task {
        for _ in 1..50 do
            let! _ = completedPass consumer 1_000
            ()

        let times = ResizeArray()

        for _ in 1..passes do
            let! elapsed = completedPass consumer n
            times.Add elapsed

        return { Tasks = n; Passes = List.ofSeq times }
    }
