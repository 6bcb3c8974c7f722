/// futured { } beside its baselines: a bind loop beside task { }, and for over an IAsyncEnumerable beside
/// C#'s await foreach.
module Futured.Benchmarks.BuilderBenchmarks

open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured
open Futured.Benchmarks.CSharp

/// A loop of awaits on completed tasks (the state machine's own cost), and on Task.Yield (a suspension
/// and resumption per iteration).
[<MemoryDiagnoser>]
type BuilderBindLoop() =
    let completed = Task.FromResult 1

    [<Params(1000)>]
    member val Count = 0 with get, set

    [<Benchmark(Baseline = true)>]
    member this.TaskBindLoop() : Task<int> =
        task {
            let mutable sum = 0

            for _ in 1 .. this.Count do
                let! x = completed
                sum <- sum + x

            return sum
        }

    [<Benchmark>]
    member this.FuturedBindLoop() : Task<int> =
        futured {
            let mutable sum = 0

            for _ in 1 .. this.Count do
                let! x = completed
                sum <- sum + x

            return sum
        }

/// The same loop with a suspension per iteration.
[<MemoryDiagnoser>]
type BuilderYieldLoop() =

    [<Params(1000)>]
    member val Count = 0 with get, set

    [<Benchmark(Baseline = true)>]
    member this.TaskYieldLoop() : Task<int> =
        task {
            let mutable sum = 0

            for i in 1 .. this.Count do
                do! Task.Yield()
                sum <- sum + i

            return sum
        }

    [<Benchmark>]
    member this.FuturedYieldLoop() : Task<int> =
        futured {
            let mutable sum = 0

            for i in 1 .. this.Count do
                do! Task.Yield()
                sum <- sum + i

            return sum
        }

/// for over an IAsyncEnumerable (a C# async iterator) in futured, beside C#'s await foreach over the same.
[<MemoryDiagnoser>]
type BuilderAsyncFor() =

    [<Params(1000)>]
    member val Count = 0 with get, set

    [<Benchmark(Baseline = true)>]
    member this.CSharpAwaitForeach() : Task<int64> =
        AsyncStreams.SumAsync(AsyncStreams.Range this.Count)

    [<Benchmark>]
    member this.FuturedFor() : Task<int64> =
        futured {
            let mutable sum = 0L

            for x in AsyncStreams.Range this.Count do
                sum <- sum + int64 x

            return sum
        }

/// The same with an iterator that suspends before each item.
[<MemoryDiagnoser>]
type BuilderAsyncForYielding() =

    [<Params(1000)>]
    member val Count = 0 with get, set

    [<Benchmark(Baseline = true)>]
    member this.CSharpAwaitForeachYielding() : Task<int64> =
        AsyncStreams.SumAsync(AsyncStreams.YieldingRange this.Count)

    [<Benchmark>]
    member this.FuturedForYielding() : Task<int64> =
        futured {
            let mutable sum = 0L

            for x in AsyncStreams.YieldingRange this.Count do
                sum <- sum + int64 x

            return sum
        }
