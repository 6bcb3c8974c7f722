// The F# example of the README's "Scaling out" section, line for line (.ci/readme-distributed.fsx checks that
// every line of it stands here), run against the in-process cluster.
module DistributedReadme

open System
open Expecto
open Futured.Tests.Support
open Futured.Orleans.Tests

module Example =
    open System
    open Orleans
    open Futured

    /// Runs on a silo: a top-level function, so it captures nothing.
    let countPrimes (limit: int) =
        let isPrime n =
            Seq.forall (fun d -> n % d <> 0) [ 2 .. int (sqrt (float n)) ]

        List.length (List.filter isPrime [ 2 .. limit - 1 ])

    let primeCounts (client: IClusterClient) (limits: int list) =
        futured {
            use distributed = new Distributed(client, 8)
            let count = distributed.Wrap countPrimes

            let options =
                { MapOptions.Default with
                    Timeout = Some(TimeSpan.FromMinutes 1.0)
                }

            let results = ResizeArray()

            for primes in Futured.mapWith options count limits do
                results.Add primes

            return List.ofSeq results
        }

[<Tests>]
let tests =
    testList
        "README"
        [
            testTask "the README's F# example of Distributed counts primes on the silos"
            <| fun () ->
                task {
                    let! cluster = Cluster.shared.Value
                    let! counts = Example.primeCounts cluster.Client [ 10; 100; 1000 ]
                    Expect.equal counts [ 4; 25; 168 ] "the prime counts, in order"
                }
        ]
