module Futured.Orleans.Tests.DistributedFaults

open System
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Orleans.Tests.Remote

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Distributed faults"
        [
            testTask
                "a silo that stops mid-call faults only its own calls, naming it, and later calls go to the silos that remain"
            <| fun () ->
                task {
                    let! cluster = Cluster.start 3

                    try
                        use distributed = new Distributed(cluster.Client, 6)
                        let key = Guid.NewGuid().ToString "N"
                        let held = distributed.Wrap hold
                        // A map of long calls: each holds on the gate until the test opens it.
                        let calls = [ for i in 0..5 -> held (key, i) ]
                        let started = [ for i in 0..5 -> (signal $"{key}/{i}").Task ]

                        let! all = Task.WhenAny((Task.WhenAll started :> Task), Task.Delay generous)

                        if not (all :? Task<string array>) then
                            failtestf
                                "not every call started: %A; calls: %A"
                                [ for t in started -> t.IsCompleted ]
                                [ for c in calls -> c.Status, (if c.IsFaulted then string c.Exception else "") ]

                        let silos = [| for t in started -> t.Result |]
                        let victim = silos[0]

                        let handle =
                            cluster.GetActiveSilos()
                            |> Seq.find (fun s -> s.SiloAddress.ToString() = victim)

                        do! cluster.KillSiloAsync handle
                        (gate key).Set()
                        let! outcomes = Task.WhenAll [ for call in calls -> outcome call ]

                        for i in 0..5 do
                            match outcomes[i] with
                            | Ok silo ->
                                Expect.notEqual silos[i] victim $"call {i} ran on a silo that remained"
                                Expect.equal silo silos[i] $"call {i} answered from where it ran"
                            | Error(:? SiloFailedException as e) ->
                                Expect.equal silos[i] victim $"call {i} ran on the stopped silo"
                                Expect.equal e.Silo victim "the exception names the stopped silo"
                                Expect.stringContains e.Message victim "and so does its message"
                            | Error e -> failtestf "call %d faulted with %O" i e

                        let lost = outcomes |> Array.filter Result.isError |> Array.length

                        Expect.equal
                            lost
                            (silos |> Array.filter ((=) victim) |> Array.length)
                            "every call of the stopped silo faulted"

                        let! later = Futured.map (distributed.Wrap whereAmI) [ 1..30 ] |> toList
                        Expect.isFalse (List.contains victim later) "no later call went to the stopped silo"

                        Expect.equal
                            (Set.ofList later)
                            (Set.ofArray silos |> Set.remove victim)
                            "later calls spread over the silos that remain"
                    finally
                        cluster.DisposeAsync().AsTask().Wait()
                }
        ]
