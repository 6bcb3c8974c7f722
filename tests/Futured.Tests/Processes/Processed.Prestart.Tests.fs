module Futured.Tests.ProcessedPrestart

open System
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Processed

[<Tests>]
let tests =
    testList
        "processed prestart"
        [
            testTask "prestart starts every worker at construction, before any call, and disposal leaves none"
            <| fun () ->
                task {
                    let pool = new Processed(2, prestart = true)
                    // Read before any call was made.
                    let pids = pool.WorkerIds
                    Expect.equal pids.Length 2 "both workers started at construction"

                    for p in pids do
                        Expect.isFalse (isGone p) $"worker {p} is running before the first call"

                    // The calls run on the workers that were started, not on new ones.
                    let! ran = Task.WhenAll [ for _ in 1..6 -> pool.Wrap processId () ]

                    for pid in ran do
                        Expect.contains pids pid "a call ran on a prestarted worker"

                    do! pool.DisposeAsync().AsTask().WaitAsync generous

                    for p in pids do
                        Expect.isTrue (isGone p) $"worker {p} has exited"
                }

            testTask "a prestarted pool that is disposed without any call leaves no worker"
            <| fun () ->
                task {
                    let pool = new Processed(3, prestart = true)
                    let pids = pool.WorkerIds
                    Expect.equal pids.Length 3 "three workers started"
                    (pool :> IDisposable).Dispose()

                    for p in pids do
                        Expect.isTrue (isGone p) $"worker {p} has exited"

                    let! e = throwsExactly<ObjectDisposedException>(pool.Wrap double 1)
                    Expect.stringContains e.ObjectName "Processed" "later calls fault"
                }

            testTask "without prestart no worker starts before the first call"
            <| fun () ->
                task {
                    use pool = new Processed(2, prestart = false)
                    Expect.isEmpty pool.WorkerIds "no worker yet"
                    let! pid = pool.Wrap processId ()
                    Expect.equal pool.WorkerIds [| pid |] "one worker, started by the call"
                }

            test "Processed with prestart refuses a bound of zero or less, naming the parameter, and starts nothing" {
                for bad in [ 0; -1 ] do
                    let e =
                        raises<ArgumentOutOfRangeException>(fun () -> new Processed(bad, prestart = true) |> ignore)

                    Expect.equal e.ParamName "maxWorkers" "parameter"
            }
        ]
