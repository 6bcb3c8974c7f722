module Futured.Tests.Executors.Asynced

open System
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "asynced"
        [
            testTask "asynced returns the task of the asynchronous function"
            <| fun () ->
                task {
                    let gate = TaskCompletionSource<int>()

                    let wrapped =
                        asynced (fun (x: int) ->
                            task {
                                let! g = gate.Task
                                return x + g
                            })

                    let call = wrapped 1
                    Expect.isFalse call.IsCompleted "waits for the function"
                    gate.SetResult 41
                    let! r = call
                    Expect.equal r 42 "result"
                }

            testTask "asynced turns a synchronous throw into a faulted task"
            <| fun () ->
                task {
                    let wrapped =
                        asynced (fun (_: int) -> raise (Boom "before the first await"): Task<int>)

                    let call = wrapped 1
                    let! e = throwsExactly<Boom> call
                    Expect.equal e.Message "before the first await" "message"
                }

            testTask "asynced turns a null task into a faulted task"
            <| fun () ->
                task {
                    let wrapped = asynced (fun (_: int) -> (null: Task<int>))
                    let! _ = throwsExactly<InvalidOperationException>(wrapped 1)
                    ()
                }

            test "asynced refuses a null function, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> asynced (Unchecked.defaultof<int -> Task<int>>) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
            }

            testTask "Asynced.Wrap keeps at most the bound in flight"
            <| fun () ->
                task {
                    use limiter = new Asynced(2)
                    let gates = sources 5
                    let mutable started = 0

                    let wrapped =
                        limiter.Wrap(fun i ->
                            task {
                                started <- started + 1
                                return! gates[i].Task
                            })

                    let calls = [ for i in 0..4 -> wrapped i ]
                    Expect.equal started 2 "two started"
                    gates[0].SetResult 0
                    do! calls[0] :> Task
                    do! waitUntil "the third call starts" (fun () -> started = 3)

                    for i in 1..4 do
                        gates[i].SetResult i

                    let! all = Task.WhenAll calls
                    Expect.equal (List.ofArray all) [ 0..4 ] "results"
                    Expect.equal limiter.MaxConcurrency 2 "bound"
                }

            test "Asynced refuses a bound of zero or less, naming the parameter" {
                let e = raises<ArgumentOutOfRangeException>(fun () -> new Asynced(0) |> ignore)
                Expect.equal e.ParamName "maxConcurrency" "parameter"
            }

            test "Asynced.Wrap and Submit refuse a null function" {
                use limiter = new Asynced(1)

                let e1 =
                    raises<ArgumentNullException>(fun () ->
                        limiter.Wrap(Unchecked.defaultof<int -> Task<int>>) |> ignore)

                let e2 =
                    raises<ArgumentNullException>(fun () ->
                        limiter.Submit(Unchecked.defaultof<unit -> Task<int>>) |> ignore)

                Expect.equal (e1.ParamName, e2.ParamName) ("f", "f") "parameter"
            }
        ]
