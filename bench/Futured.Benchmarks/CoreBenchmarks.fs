/// The core rows of the performance table: ordered map, as-completed streaming and the lazily bounded map,
/// each beside the BCL idiom it replaces (the baseline of its class).
module Futured.Benchmarks.CoreBenchmarks

open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured
open Futured.Benchmarks.Drain

/// The trivial call every row runs.
let private inc (x: int) = x + 1

/// A trivial asynchronous call that really suspends once (as an I/O call would) before it returns.
let private incLater (x: int) : Task<int> =
    task {
        do! Task.Yield()
        return x + 1
    }

/// `Futured.map` in input order over `threaded`, against `Task.Run` for every item awaited in input order.
[<MemoryDiagnoser>]
type OrderedMap() =
    let mutable inputs: int[] = [||]

    /// The number of calls.
    [<Params(100_000)>]
    member val N = 0 with get, set

    [<GlobalSetup>]
    member this.Setup() = inputs <- Array.init this.N id

    [<Benchmark(Baseline = true, Description = "Task.Run per item, awaited in order")>]
    member _.TaskRunInOrder() : Task<int64> =
        task {
            let tasks = Array.zeroCreate<Task<int>> inputs.Length

            for i in 0 .. inputs.Length - 1 do
                let x = inputs[i]
                tasks[i] <- Task.Run(fun () -> inc x)

            let mutable sum = 0L
            let mutable i = 0

            while i < tasks.Length do
                let! v = tasks[i]
                sum <- sum + int64 v
                i <- i + 1

            return sum
        }

    [<Benchmark(Description = "Futured.map (threaded f)")>]
    member _.FuturedMap() : Task<int64> =
        Futured.map (threaded inc) inputs |> sumBy id

/// Where the tasks of the as-completed row come from.
type Tasks =
    /// Started with Task.Run just before the stream is consumed; most are done when it starts.
    | Running = 0
    /// Pending TaskCompletionSource tasks, completed in reverse order once the stream waits for them.
    | Pending = 1

/// `Futured.asCompleted` against `Task.WhenEach` over the same tasks.
[<MemoryDiagnoser>]
type AsCompleted() =
    let mutable inputs: int[] = [||]

    /// Runs `consume` over tasks of the chosen kind.
    member private this.Over(consume: Task<int>[] -> Task<int64>) : Task<int64> =
        task {
            match this.Tasks with
            | Tasks.Running ->
                let tasks = inputs |> Array.map (fun x -> Task.Run(fun () -> inc x))
                return! consume tasks
            | _ ->
                let sources = inputs |> Array.map (fun _ -> TaskCompletionSource<int>())
                let consumer = consume (sources |> Array.map (fun s -> s.Task))

                for i in sources.Length - 1 .. -1 .. 0 do
                    sources[i].SetResult(inc inputs[i])

                return! consumer
        }

    /// The number of tasks.
    [<Params(100_000)>]
    member val N = 0 with get, set

    /// Where the tasks come from.
    [<Params(Tasks.Running, Tasks.Pending)>]
    member val Tasks = Tasks.Running with get, set

    [<GlobalSetup>]
    member this.Setup() = inputs <- Array.init this.N id

    [<Benchmark(Baseline = true, Description = "Task.WhenEach")>]
    member this.WhenEach() : Task<int64> =
        this.Over(fun tasks -> Task.WhenEach(tasks) |> sumBy (fun t -> t.Result))

    [<Benchmark(Description = "Futured.asCompleted")>]
    member this.FuturedAsCompleted() : Task<int64> =
        this.Over(fun tasks -> Futured.asCompleted tasks |> sumBy id)

/// The work of the bounded row.
type Work =
    /// A synchronous function: `threaded f` for Futured, the body itself for Parallel.ForEachAsync.
    | Threaded = 0
    /// An asynchronous function that suspends once before it returns.
    | Async = 1

/// A lazily consumed input with at most 64 calls in flight: `Futured.mapWith` bounded by `MaxConcurrency`
/// against `Parallel.ForEachAsync` with `MaxDegreeOfParallelism`.
[<MemoryDiagnoser>]
type BoundedMap() =
    let bound = 64

    /// The number of items, produced lazily.
    [<Params(1_000_000)>]
    member val N = 0 with get, set

    /// The work each call does.
    [<Params(Work.Threaded, Work.Async)>]
    member val Work = Work.Threaded with get, set

    [<Benchmark(Baseline = true, Description = "Parallel.ForEachAsync")>]
    member this.ParallelForEachAsync() : Task<int64> =
        task {
            let total = [| 0L |]
            let options = ParallelOptions(MaxDegreeOfParallelism = bound)
            let xs = seq { 0 .. this.N - 1 }

            match this.Work with
            | Work.Threaded ->
                do!
                    Parallel.ForEachAsync(
                        xs,
                        options,
                        fun x _ ->
                            Interlocked.Add(&total[0], int64 (inc x)) |> ignore
                            ValueTask.CompletedTask
                    )
            | _ ->
                do!
                    Parallel.ForEachAsync(
                        xs,
                        options,
                        fun x _ ->
                            ValueTask(
                                task {
                                    let! v = incLater x
                                    Interlocked.Add(&total[0], int64 v) |> ignore
                                }
                            )
                    )

            return total[0]
        }

    [<Benchmark(Description = "Futured.mapWith MaxConcurrency")>]
    member this.FuturedBoundedMap() : Task<int64> =
        let options =
            { MapOptions.Default with
                MaxConcurrency = Some bound
            }

        let f =
            match this.Work with
            | Work.Threaded -> threaded inc
            | _ -> incLater

        Futured.mapWith options f (seq { 0 .. this.N - 1 }) |> sumBy id
