module Futured.Tests.Futured.Run

open System
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "sync bridges"
        [
            testCase "run waits for the task and returns its result"
            <| fun () -> Expect.equal (Futured.run (threaded (fun x -> x * 2) 21)) 42 "the result"

            testCase "run rethrows the original exception, not an AggregateException"
            <| fun () ->
                let e =
                    raises<Boom>(fun () -> Futured.run (threaded (fun () -> raise (Boom "inside")) ()) |> ignore)

                Expect.equal (e.GetType()) typeof<Boom> "the original type"
                Expect.equal e.Message "inside" "the original message"

            testCase "iter enumerates an asynchronous sequence as a seq"
            <| fun () ->
                let items =
                    Futured.iter (Futured.map (threaded (fun x -> x + 1)) [ 1..5 ]) |> List.ofSeq

                Expect.equal items [ 2..6 ] "every item, in order"

            testCase "iter rethrows the original exception at its place"
            <| fun () ->
                let seen = ResizeArray()

                let e =
                    raises<Boom>(fun () ->
                        for x in
                            Futured.iter (
                                Futured.results [ Task.FromResult 1; Task.FromException<int>(Boom "second") ]
                            ) do
                            seen.Add x)

                Expect.equal (List.ofSeq seen) [ 1 ] "the item before the fault"
                Expect.equal e.Message "second" "the original fault"

            testCase "leaving iter early disposes the asynchronous enumerator"
            <| fun () ->
                let input = CountingSeq None

                let options =
                    { MapOptions.Default with
                        MaxConcurrency = Some 1
                    }

                let first =
                    Futured.iter (Futured.mapWith options (asynced Task.FromResult) input.Items)
                    |> Seq.head

                let pulled = input.Pulled
                Expect.equal first 0 "the first item"
                Expect.isLessThanOrEqual pulled 2 "the endless input was not drained"

            testCase "run and iter refuse null arguments, naming the parameter"
            <| fun () ->
                let e1 =
                    raises<ArgumentNullException>(fun () -> Futured.run (null: Task<int>) |> ignore)

                let e2 =
                    raises<ArgumentNullException>(fun () -> Futured.iter (null: TaskSeq<int>) |> ignore)

                Expect.equal e1.ParamName "task" "task"
                Expect.equal e2.ParamName "source" "source"
        ]
