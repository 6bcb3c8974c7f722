/// The executors and the bounded lazy map beside the .NET peer a user would otherwise pick: TPL Dataflow's
/// `TransformBlock` (in the shared framework), with the same degree of parallelism, order and bound.
module Futured.Benchmarks.PeerBenchmarks

open System
open System.Threading
open System.Threading.Tasks
open System.Threading.Tasks.Dataflow
open BenchmarkDotNet.Attributes
open Futured
open Futured.Benchmarks.Drain
open Futured.Benchmarks.CoreBenchmarks

/// The trivial call every row runs.
let private inc (x: int) = x + 1

/// A trivial asynchronous call that really suspends once (as an I/O call would) before it returns.
let private incLater (x: int) : Task<int> =
    task {
        do! Task.Yield()
        return x + 1
    }

/// Takes every output of a block until it completes, and adds them up: the cheapest way to drain a block
/// (one wait per batch of outputs, not one per output).
let drainBlock (block: TransformBlock<int, int>) : Task<int64> =
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

        do! block.Completion
        return sum
    }

/// Posts every input to an unbounded block, completes it and drains it.
let private throughBlock (inputs: int[]) (ordered: bool) : Task<int64> =
    let block =
        TransformBlock<int, int>(
            Func<int, int> inc,
            ExecutionDataflowBlockOptions(MaxDegreeOfParallelism = 4, EnsureOrdered = ordered)
        )

    for x in inputs do
        block.Post x |> ignore

    block.Complete()
    drainBlock block

/// A `Threaded(4)` executor's ordered map of 100,000 trivial calls, against a `TransformBlock` with
/// `MaxDegreeOfParallelism = 4` and `EnsureOrdered = true` fed the same inputs.
[<MemoryDiagnoser; ThreadingDiagnoser>]
type ThreadedMapOrdered() =
    let mutable inputs: int[] = [||]
    let mutable pool: Threaded = Unchecked.defaultof<_>
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>
    let mutable completed: Task<int>[] = [||]

    /// The number of calls.
    [<Params(100_000)>]
    member val N = 0 with get, set

    [<GlobalSetup>]
    member this.Setup() =
        inputs <- Array.init this.N id
        pool <- new Threaded(4)
        call <- pool.Wrap inc
        completed <- inputs |> Array.map (fun x -> Task.FromResult(inc x))

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true, Description = "TransformBlock MaxDOP 4, ordered")>]
    member _.DataflowOrdered() : Task<int64> = throughBlock inputs true

    [<Benchmark(Description = "Futured.map over Threaded(4)")>]
    member _.FuturedMap() : Task<int64> = Futured.map call inputs |> sumBy id

    /// The executor alone: the same calls queued on Threaded(4), then each awaited in input order, no stream.
    [<Benchmark(Description = "floor: Threaded(4) calls awaited in order")>]
    member _.ExecutorAlone() : Task<int64> =
        task {
            let tasks = Array.map call inputs
            let mutable sum = 0L
            let mutable i = 0

            while i < tasks.Length do
                let! v = tasks[i]
                sum <- sum + int64 v
                i <- i + 1

            return sum
        }

    /// The engine alone: Futured.results over as many tasks, already completed before the run.
    [<Benchmark(Description = "floor: Futured.results over completed tasks")>]
    member _.EngineAlone() : Task<int64> = Futured.results completed |> sumBy id

/// The same map taken as the calls complete, against the same block with `EnsureOrdered = false`.
[<MemoryDiagnoser; ThreadingDiagnoser>]
type ThreadedMapAsCompleted() =
    let mutable inputs: int[] = [||]
    let mutable pool: Threaded = Unchecked.defaultof<_>
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>
    let mutable completed: Task<int>[] = [||]

    /// The number of calls.
    [<Params(100_000)>]
    member val N = 0 with get, set

    [<GlobalSetup>]
    member this.Setup() =
        inputs <- Array.init this.N id
        pool <- new Threaded(4)
        call <- pool.Wrap inc
        completed <- inputs |> Array.map (fun x -> Task.FromResult(inc x))

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true, Description = "TransformBlock MaxDOP 4, unordered")>]
    member _.DataflowUnordered() : Task<int64> = throughBlock inputs false

    [<Benchmark(Description = "Futured.mapWith AsCompleted over Threaded(4)")>]
    member _.FuturedAsCompleted() : Task<int64> =
        Futured.mapWith
            { MapOptions.Default with
                Order = Some Order.AsCompleted
            }
            call
            inputs
        |> sumBy id

    /// Task.WhenEach alone: the same number of tasks, already completed before the run, taken as they complete.
    [<Benchmark(Description = "floor: Task.WhenEach over completed tasks")>]
    member _.WhenEachAlone() : Task<int64> =
        Task.WhenEach(completed) |> sumBy (fun t -> t.Result)

/// The bounded lazy ordered map (`MaxConcurrency = 64` over a lazy `seq`) against Dataflow's bounded,
/// ordered `TransformBlock` (`BoundedCapacity = 64`, `MaxDegreeOfParallelism = 64`, `EnsureOrdered`), fed by
/// `SendAsync` while the consumer drains it. `Parallel.ForEachAsync` (which keeps no results) is the baseline
/// of `BoundedMap`.
[<MemoryDiagnoser; ThreadingDiagnoser>]
type BoundedMapDataflow() =
    let bound = 64

    /// The number of items, produced lazily.
    [<Params(1_000_000)>]
    member val N = 0 with get, set

    /// The work each call does: `threaded f` for Futured and the synchronous body for the block, or an
    /// asynchronous function that suspends once.
    [<Params(Work.Threaded, Work.Async)>]
    member val Work = Work.Threaded with get, set

    [<Benchmark(Baseline = true, Description = "TransformBlock bounded 64, MaxDOP 64, ordered")>]
    member this.DataflowBounded() : Task<int64> =
        let options =
            ExecutionDataflowBlockOptions(MaxDegreeOfParallelism = bound, BoundedCapacity = bound, EnsureOrdered = true)

        let block =
            match this.Work with
            | Work.Threaded -> TransformBlock<int, int>(Func<int, int> inc, options)
            | _ -> TransformBlock<int, int>(Func<int, Task<int>> incLater, options)

        let n = this.N

        let feeding =
            task {
                for x in seq { 0 .. n - 1 } do
                    let! _ = block.SendAsync x
                    ()

                block.Complete()
            }

        task {
            let! sum = drainBlock block
            do! feeding
            return sum
        }

    [<Benchmark(Description = "Futured.mapWith MaxConcurrency 64")>]
    member this.FuturedBounded() : Task<int64> =
        let options =
            { MapOptions.Default with
                MaxConcurrency = Some bound
            }

        let f =
            match this.Work with
            | Work.Threaded -> threaded inc
            | _ -> incLater

        Futured.mapWith options f (seq { 0 .. this.N - 1 }) |> sumBy id
