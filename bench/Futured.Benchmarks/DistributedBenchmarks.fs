module Futured.Benchmarks.DistributedBenchmarks

open System
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Orleans.Hosting
open Orleans.TestingHost
open Futured

/// A trivial call: what is measured is the cost of crossing to a silo and back.
let increment (x: int) = x + 1

/// An in-process cluster of two silos (Orleans' test host) serving Futured calls and the direct grain.
let private startCluster () =
    let builder = InProcessTestClusterBuilder(2s)

    builder.ConfigureSilo(fun _ (silo: ISiloBuilder) -> silo.AddFutured() |> ignore)
    |> ignore

    let cluster = builder.Build()
    cluster.DeployAsync().GetAwaiter().GetResult()
    cluster

[<Literal>]
let Sequential = 200

[<Literal>]
let Calls = 2000

/// One call at a time on a 2-silo cluster: a Distributed call beside a direct grain call with the same argument
/// and result (each awaited before the next starts), so the ratio is the per-call overhead.
[<MemoryDiagnoser>]
type DistributedCall() =
    let mutable cluster: InProcessTestCluster = null
    let mutable distributed: Distributed = null
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>
    let mutable grains: Futured.Benchmarks.IDirectGrain[] = [||]

    [<GlobalSetup>]
    member _.Setup() =
        cluster <- startCluster ()
        distributed <- new Distributed(cluster.Client, 2)
        call <- distributed.Wrap increment

        grains <-
            [|
                for i in 0..1 -> cluster.Client.GetGrain<Futured.Benchmarks.IDirectGrain>(int64 i)
            |]
        // Every slot and grain activated and warm before measuring.
        Task.WhenAll([ for i in 1..200 -> call i ]).GetAwaiter().GetResult() |> ignore

        Task.WhenAll([ for i in 1..200 -> grains[i % 2].Increment i ]).GetAwaiter().GetResult()
        |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() =
        distributed.DisposeAsync().AsTask().GetAwaiter().GetResult()
        cluster.DisposeAsync().AsTask().GetAwaiter().GetResult()

    [<Benchmark(Baseline = true, OperationsPerInvoke = Sequential)>]
    member _.DirectGrainCall() =
        (task {
            let mutable total = 0

            for i in 1..Sequential do
                let! r = grains[i % 2].Increment i
                total <- total + r

            return total
        })
            .GetAwaiter()
            .GetResult()

    [<Benchmark(OperationsPerInvoke = Sequential)>]
    member _.DistributedCall() =
        (task {
            let mutable total = 0

            for i in 1..Sequential do
                let! r = call i
                total <- total + r

            return total
        })
            .GetAwaiter()
            .GetResult()

/// Throughput: `Futured.map` of small calls over Distributed(16) on a 2-silo cluster, per call, beside the same
/// map over direct grain calls to 16 grains.
[<MemoryDiagnoser>]
type DistributedMap() =
    let mutable cluster: InProcessTestCluster = null
    let mutable distributed: Distributed = null
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>
    let mutable direct: int -> Task<int> = Unchecked.defaultof<_>

    [<GlobalSetup>]
    member _.Setup() =
        cluster <- startCluster ()
        distributed <- new Distributed(cluster.Client, 16)
        call <- distributed.Wrap increment

        let grains =
            [|
                for i in 0..15 -> cluster.Client.GetGrain<Futured.Benchmarks.IDirectGrain>(int64 (100 + i))
            |]

        direct <- fun i -> grains[i % 16].Increment i
        Task.WhenAll([ for i in 1..400 -> call i ]).GetAwaiter().GetResult() |> ignore
        Task.WhenAll([ for i in 1..400 -> direct i ]).GetAwaiter().GetResult() |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() =
        distributed.DisposeAsync().AsTask().GetAwaiter().GetResult()
        cluster.DisposeAsync().AsTask().GetAwaiter().GetResult()

    [<Benchmark(Baseline = true, OperationsPerInvoke = Calls)>]
    member _.MapOverDirectGrains() =
        (Drain.sumBy
            id
            (Futured.mapWith
                { MapOptions.Default with
                    MaxConcurrency = Some 16
                }
                direct
                (seq { 1..Calls })))
            .GetAwaiter()
            .GetResult()

    [<Benchmark(OperationsPerInvoke = Calls)>]
    member _.MapOverDistributed() =
        (Drain.sumBy
            id
            (Futured.mapWith
                { MapOptions.Default with
                    MaxConcurrency = Some 16
                }
                call
                (seq { 1..Calls })))
            .GetAwaiter()
            .GetResult()
