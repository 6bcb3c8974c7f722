module Futured.Tests.Waiting

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

/// Work that runs until the token is cancelled, as a sibling that observes the scope's token does.
let private untilCancelled (token: CancellationToken) : Task<int> =
    task {
        do! Task.Delay(Timeout.Infinite, token)
        return -1
    }

[<Tests>]
let tests =
    testList
        "Waiting"
        [
            property
                "results come in registration order, for tasks registered at creation and in the block, whatever the completion order"
                permutationsWithCut
            <| fun (perm, cut) ->
                task {
                    let tcs = sources perm.Length

                    let scope =
                        Waiting.runWith [ for t in tcs[.. cut - 1] -> t.Task ] (fun scope ->
                            task {
                                for t in tcs[cut..] do
                                    scope.Add t.Task
                            })

                    for i in perm do
                        tcs[i].SetResult i

                    let! results = scope
                    return results = [| 0 .. perm.Length - 1 |]
                }
                |> await'

            testTask
                "the first fault cancels the scope's token, every task is awaited, and the fault is raised as itself"
            <| fun () ->
                task {
                    let failing =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let stubborn =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let mutable token = CancellationToken.None

                    let scope =
                        Waiting.run (fun scope ->
                            task {
                                token <- scope.Token
                                scope.Start untilCancelled |> ignore
                                scope.Add failing.Task
                                scope.Add stubborn.Task
                            })

                    failing.SetException(Boom "first fault")
                    do! waitUntil "the scope's token is cancelled" (fun () -> token.IsCancellationRequested)
                    Expect.isFalse scope.IsCompleted "the scope still waits for the task that ignores the token"
                    stubborn.SetResult 3
                    let! e = throwsExactly<Boom> scope
                    Expect.equal e.Message "first fault" "the one fault, not the cancellation it caused"
                }

            testTask "several faults are raised as one AggregateException holding each, in registration order"
            <| fun () ->
                task {
                    let tcs = sources 3

                    let scope = Waiting.runWith [ for t in tcs -> t.Task ] (fun _ -> task { return () })

                    tcs[2].SetException(Boom "third")
                    tcs[1].SetResult 1
                    tcs[0].SetException(InvalidOperationException "first")
                    let! e = throwsExactly<AggregateException> scope
                    let messages = [ for x in e.InnerExceptions -> x.GetType().Name, x.Message ]

                    Expect.equal
                        messages
                        [ nameof InvalidOperationException, "first"; nameof Boom, "third" ]
                        "every fault, in registration order"
                }

            testTask "a cancellation the scope did not cause is a fault"
            <| fun () ->
                task {
                    use elsewhere = new CancellationTokenSource()
                    elsewhere.Cancel()
                    let cancelled = Task.FromCanceled<int> elsewhere.Token

                    let! _ =
                        throws<OperationCanceledException>(Waiting.all [ Task.FromResult 1; cancelled ])

                    ()
                }

            testTask "an exception of the run block cancels the token and is raised once every task has finished"
            <| fun () ->
                task {
                    let mutable sibling = Task.FromResult 0

                    let! e =
                        throwsExactly<Boom>(
                            Waiting.run (fun scope ->
                                task {
                                    sibling <- scope.Start untilCancelled
                                    raise (Boom "in the block")
                                })
                        )

                    Expect.equal e.Message "in the block" "the block's exception"
                    Expect.isTrue sibling.IsCanceled "the sibling was cancelled and awaited"
                }

            testTask "tasks registered while the scope waits are awaited too"
            <| fun () ->
                task {
                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let late =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let scope = new Waiting<int>()

                    let lateAdded =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    // A registered task that registers a sibling before it completes, as nursery children do.
                    scope.Add(
                        futured {
                            let! x = gate.Task
                            scope.Add late.Task
                            lateAdded.SetResult()
                            return x
                        }
                    )

                    let waiting = scope.WaitAsync()
                    gate.SetResult 1
                    do! lateAdded.Task
                    Expect.isFalse waiting.IsCompleted "waits for the task registered late"
                    late.SetResult 2
                    let! results = waiting
                    Expect.equal results [| 1; 2 |] "both, in registration order"
                }

            testTask "with use in futured, leaving the block waits for every task and raises the faults"
            <| fun () ->
                task {
                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let scope = new Waiting<int>()

                    let block =
                        futured {
                            use s = scope
                            s.Add gate.Task
                            s.Add(Task.FromException<int>(Boom "registered"))
                        }

                    Expect.isFalse block.IsCompleted "leaving the block waits"
                    gate.SetResult 1
                    let! e = throwsExactly<Boom> block
                    Expect.equal e.Message "registered" "raised by the scope as it was left"

                    let e = raises<ObjectDisposedException>(fun () -> scope.Add(Task.FromResult 2))

                    Expect.stringContains e.Message "left" "a left scope takes no task"
                }

            testTask "WaitAsync at the end of a use block gives the results"
            <| fun () ->
                task {
                    let! results =
                        futured {
                            use scope = new Waiting<string>([ Task.FromResult "a" ])
                            scope.Start(fun _ -> Task.FromResult "b") |> ignore
                            let! results = scope.WaitAsync()
                            return results
                        }

                    Expect.equal results [| "a"; "b" |] "registration order"
                }

            testTask "Start turns an exception thrown synchronously into a fault of the scope"
            <| fun () ->
                task {
                    let scope = new Waiting<int>()
                    let started = scope.Start(fun _ -> raise (Boom "synchronous"))
                    Expect.isTrue started.IsFaulted "the task faulted"
                    Expect.isTrue scope.Token.IsCancellationRequested "the scope was cancelled"
                    let! _ = throwsExactly<Boom>(scope.WaitAsync())
                    ()
                }

            testTask "bad input is refused with the parameter named"
            <| fun () ->
                task {
                    let e =
                        raises<ArgumentNullException>(fun () -> Waiting.all (null: seq<Task<int>>) |> ignore)

                    Expect.equal e.ParamName "tasks" "null sequence"

                    let e =
                        raises<ArgumentNullException>(fun () -> new Waiting<int>([ null ]) |> ignore)

                    Expect.equal e.ParamName "tasks" "null element"

                    let e =
                        raises<ArgumentNullException>(fun () -> Waiting.run<int> Unchecked.defaultof<_> |> ignore)

                    Expect.equal e.ParamName "body" "null body"
                    let scope = new Waiting<int>()
                    let e = raises<ArgumentNullException>(fun () -> scope.Add null)
                    Expect.equal e.ParamName "task" "null task"

                    let e =
                        raises<ArgumentNullException>(fun () -> scope.Start Unchecked.defaultof<_> |> ignore)

                    Expect.equal e.ParamName "work" "null work"
                }
        ]
