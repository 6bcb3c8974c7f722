/// In-process Orleans clusters for the tests: every silo serves Futured calls.
module Futured.Orleans.Tests.Cluster

open System
open System.Threading.Tasks
open Orleans.Hosting
open Orleans.TestingHost
open global.Futured

/// Starts an in-process cluster of n silos, each with AddFutured(), and its client.
let start (silos: int) : Task<InProcessTestCluster> =
    task {
        let builder = InProcessTestClusterBuilder(int16 silos)

        builder.ConfigureSilo(fun _ (silo: ISiloBuilder) -> silo.AddFutured() |> ignore)
        |> ignore

        let cluster = builder.Build()
        do! cluster.DeployAsync()
        // The client learns the grain types from the cluster manifest its gateways send, a moment after it connects:
        // wait until it knows Futured's.
        use probe = new Distributed(cluster.Client, 1)
        let clock = Diagnostics.Stopwatch.StartNew()
        let mutable ready = false

        while not ready do
            try
                let! _ = probe.Submit(Remote.square, 1)
                ready <- true
            with :? ArgumentException when clock.Elapsed < Futured.Tests.Support.generous ->
                do! Task.Delay 50

        return cluster
    }

/// The 3-silo cluster shared by the tests that stop no silo; disposed when the run ends.
let shared: Lazy<Task<InProcessTestCluster>> = lazy (start 3)

/// The addresses of the cluster's live silos, as Distributed.CurrentSilo writes them.
let siloAddresses (cluster: InProcessTestCluster) =
    cluster.GetActiveSilos()
    |> Seq.map (fun silo -> silo.SiloAddress.ToString())
    |> Set.ofSeq
