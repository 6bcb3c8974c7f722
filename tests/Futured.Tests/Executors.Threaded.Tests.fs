module Futured.Tests.Executors.Threaded

open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "threaded"
        [
            testTask "threaded runs the function and returns its result"
            <| fun () ->
                task {
                    let double = threaded (fun x -> x * 2)
                    let! r = double 21
                    Expect.equal r 42 "result"
                }
        ]
