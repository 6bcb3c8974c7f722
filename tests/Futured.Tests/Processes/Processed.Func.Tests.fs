module Futured.Tests.ProcessedFunc

open System
open Expecto
open global.Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "processedFunc"
        [
            testTask "processedFunc runs a delegate that captures nothing in a worker process of the shared pool"
            <| fun () ->
                task {
                    let triple = processedFunc (Func<int, int>(fun x -> x * 3))
                    let! result = triple.Invoke 14
                    Expect.equal result 42 "the result"
                    let pid = processedFunc (Func<int, int>(fun _ -> Environment.ProcessId))
                    let! worker = pid.Invoke 0
                    Expect.notEqual worker Environment.ProcessId "ran in another process"
                }

            test "processedFunc refuses a delegate with captured state, naming the parameter" {
                let offset = Random.Shared.Next(1, 10)

                let e =
                    raises<ArgumentException>(fun () -> processedFunc (Func<int, int>(fun x -> x + offset)) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
                Expect.stringContains e.Message "captured state" "why"
            }

            test "processedFunc refuses a null delegate, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () ->
                        processedFunc (Unchecked.defaultof<Func<int, int>>) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
            }
        ]
