module Futured.Tests.Futured.ResultsWith

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "resultsWith"
        [
            property "resultsWith yields the results in input order for every completion order" permutations
            <| fun perm ->
                let tcs = sources perm.Length

                let reading =
                    collect (Futured.resultsWith MapOptions.Default [ for t in tcs -> t.Task ])

                for i in perm do
                    tcs[i].SetResult(i * 10)

                let items, failure = await' reading
                failure.IsNone && items = [ for i in 0 .. perm.Length - 1 -> i * 10 ]

            property "asCompletedWith yields exactly the completion order" permutations
            <| yieldsCompletionOrder (Futured.asCompletedWith MapOptions.Default)

            testTask "resultsWith with Order AsCompleted yields in completion order"
            <| fun () ->
                task {
                    let first = TaskCompletionSource<int>()
                    let second = TaskCompletionSource<int>()

                    let options =
                        { MapOptions.Default with
                            Order = Some Order.AsCompleted
                        }

                    let e =
                        (Futured.resultsWith options [ first.Task; second.Task ]).GetAsyncEnumerator()

                    second.SetResult 2
                    let! b = next e
                    first.SetResult 1
                    let! a = next e
                    do! ended e
                    do! e.DisposeAsync()
                    Expect.equal [ b; a ] [ 2; 1 ] "completion order"
                }

            testTask "asCompletedWith with Order InOrder yields in input order"
            <| fun () ->
                task {
                    let first = TaskCompletionSource<int>()
                    let second = TaskCompletionSource<int>()

                    let options =
                        { MapOptions.Default with
                            Order = Some Order.InOrder
                        }

                    let reading = collect (Futured.asCompletedWith options [ first.Task; second.Task ])
                    second.SetResult 2
                    first.SetResult 1
                    let! items, failure = reading
                    Expect.isNone failure "no failure"
                    Expect.equal items [ 1; 2 ] "input order"
                }

            testTask "cancelling the options' token stops the stream with OperationCanceledException"
            <| fun () ->
                task {
                    let first = TaskCompletionSource<int>()
                    let never = TaskCompletionSource<int>()
                    use cts = new CancellationTokenSource()

                    let options =
                        { MapOptions.Default with
                            CancellationToken = cts.Token
                        }

                    let e =
                        (Futured.asCompletedWith options [ first.Task; never.Task ]).GetAsyncEnumerator()

                    first.SetResult 1
                    let! one = next e
                    Expect.equal one 1 "the completed result"
                    let pending = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> pending
                    do! e.DisposeAsync()
                }

            testTask "with a deadline, the completed results come first, then TimeoutException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()

                    let options =
                        { MapOptions.Default with
                            Timeout = Some(TimeSpan.FromMilliseconds 250.0)
                        }

                    let! items, failure =
                        collect (Futured.resultsWith options [ Task.FromResult 7; never.Task ])

                    Expect.equal items [ 7 ] "the completed result"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "timeout"
                }

            testTask "a bound in the options does not apply to running tasks"
            <| fun () ->
                task {
                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 1
                        }

                    let! items =
                        toList (Futured.resultsWith options [ for i in 0..9 -> Task.FromResult i ])

                    Expect.equal items [ 0..9 ] "every result"
                }

            test "resultsWith and asCompletedWith refuse a null sequence, naming the parameter" {
                for f in [ Futured.resultsWith; Futured.asCompletedWith ] do
                    let e =
                        raises<ArgumentNullException>(fun () -> f MapOptions.Default (null: seq<Task<int>>) |> ignore)

                    Expect.equal e.ParamName "tasks" "parameter"
            }

            test "resultsWith refuses a negative timeout" {
                let options =
                    { MapOptions.Default with
                        Timeout = Some(TimeSpan.FromSeconds -1.0)
                    }

                let e =
                    raises<ArgumentOutOfRangeException>(fun () -> Futured.resultsWith options [] |> ignore)

                Expect.equal e.ParamName "options" "parameter"
            }
        ]
