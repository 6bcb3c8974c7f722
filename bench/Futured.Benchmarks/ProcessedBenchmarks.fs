module Futured.Benchmarks.ProcessedBenchmarks

open System
open System.Diagnostics
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured

/// A trivial call: what is measured is the cost of crossing to a worker and back.
let increment (x: int) = x + 1

/// CPU-bound work of a few milliseconds.
let spin (n: int) =
    let mutable acc = 0L

    for i in 1..n do
        acc <- (acc * 31L + int64 i) % 1_000_000_007L

    acc

[<Literal>]
let Calls = 2000

/// `Futured.map` of small calls over 2 worker processes, per call, beside the direct call.
[<MemoryDiagnoser>]
type ProcessedMap() =
    let mutable pool: Processed = Unchecked.defaultof<_>
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>

    [<GlobalSetup>]
    member _.Setup() =
        pool <- new Processed(2)
        call <- pool.Wrap increment
        // Both workers started and warm before measuring.
        Task.WhenAll([ for i in 1..200 -> call i ]).GetAwaiter().GetResult() |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true, OperationsPerInvoke = Calls)>]
    member _.DirectCall() =
        let mutable total = 0

        for i in 1..Calls do
            total <- total + increment i

        total

    [<Benchmark(OperationsPerInvoke = Calls)>]
    member _.MapOverTwoWorkers() =
        (Drain.sumBy id (Futured.map call (seq { 1..Calls }))).GetAwaiter().GetResult()

/// CPU-bound work spread over 2 worker processes beside the same work on one thread.
[<MemoryDiagnoser>]
type ProcessedCpu() =
    let mutable pool: Processed = Unchecked.defaultof<_>
    let mutable call: int -> Task<int64> = Unchecked.defaultof<_>
    let work = Array.create 8 20_000_000

    [<GlobalSetup>]
    member _.Setup() =
        pool <- new Processed(2)
        call <- pool.Wrap spin
        Task.WhenAll([ for _ in 1..4 -> call 1000 ]).GetAwaiter().GetResult() |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true)>]
    member _.OneThread() = work |> Array.sumBy spin

    [<Benchmark>]
    member _.TwoWorkers() =
        (Task.WhenAll [ for n in work -> call n ]).GetAwaiter().GetResult() |> Array.sum

/// Starting a pool and making its first call (one worker process started), beside starting a bare process.
[<MemoryDiagnoser>]
type ProcessedStartup() =

    [<Benchmark(Baseline = true)>]
    member _.BareProcess() =
        use p = Process.Start(ProcessStartInfo("/bin/true", UseShellExecute = false))
        p.WaitForExit()
        p.ExitCode

    [<Benchmark>]
    member _.PoolFirstCall() =
        use pool = new Processed(1)
        (pool.Wrap increment 1).GetAwaiter().GetResult()
