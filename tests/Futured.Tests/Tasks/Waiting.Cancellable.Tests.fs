module Futured.Tests.WaitingCancellable

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

let private source () =
    TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

[<Tests>]
let tests =
    testList
        "Waiting.runCancellable"
        [
            testTask
                "cancelling the outer token cancels the scope's token, and the scope ends with OperationCanceledException only after every task has finished"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let stubborn = source ()
                    let mutable scopeToken = CancellationToken.None
                    let mutable sibling: Task<int> = null

                    let scope =
                        Waiting.runCancellable outer.Token (fun scope ->
                            task {
                                scopeToken <- scope.Token
                                sibling <- scope.Start untilCancelled
                                scope.Add stubborn.Task
                            })

                    Expect.isFalse scopeToken.IsCancellationRequested "not cancelled before the outer token"
                    outer.Cancel()
                    Expect.isTrue scopeToken.IsCancellationRequested "the outer token cancelled the scope's token"
                    let! _ = throws<OperationCanceledException> sibling
                    Expect.isTrue sibling.IsCanceled "the sibling that observes the scope's token stopped"
                    Expect.isFalse scope.IsCompleted "the scope waits for the task that ignores the token"
                    stubborn.SetResult 7
                    let! e = throws<OperationCanceledException> scope
                    Expect.equal e.CancellationToken outer.Token "the outer token is named"
                }

            testTask "without a cancellation the scope gives every result in registration order"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let first = source ()
                    let second = source ()

                    let scope =
                        Waiting.runCancellable outer.Token (fun scope ->
                            task {
                                scope.Add first.Task
                                scope.Add second.Task
                            })

                    second.SetResult 2
                    first.SetResult 1
                    let! results = scope
                    Expect.equal results [| 1; 2 |] "results in registration order"
                }

            testTask "an outer token cancelled before the scope opens cancels its token at once"
            <| fun () ->
                task {
                    let cancelled = CancellationToken(true)
                    let mutable observed = false

                    let scope =
                        Waiting.runCancellable cancelled (fun scope ->
                            task {
                                observed <- scope.Token.IsCancellationRequested
                                scope.Start untilCancelled |> ignore
                            })

                    let! _ = throws<OperationCanceledException> scope
                    Expect.isTrue observed "the block saw the scope's token cancelled"
                }

            testTask "a fault of a task is raised rather than the cancellation, once every task has finished"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let failing = source ()
                    let stubborn = source ()

                    let scope =
                        Waiting.runCancellable outer.Token (fun scope ->
                            task {
                                scope.Add failing.Task
                                scope.Add stubborn.Task
                                scope.Start untilCancelled |> ignore
                            })

                    outer.Cancel()
                    failing.SetException(Boom "broken")
                    Expect.isFalse scope.IsCompleted "the scope waits for the last task"
                    stubborn.SetResult 1
                    let! e = throwsExactly<Boom> scope
                    Expect.equal e.Message "broken" "the fault itself"
                }

            testTask "a block that throws OperationCanceledException for the outer token is not a fault"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let stubborn = source ()

                    let scope =
                        Waiting.runCancellable outer.Token (fun scope ->
                            task {
                                scope.Add stubborn.Task
                                outer.Cancel()
                                outer.Token.ThrowIfCancellationRequested()
                            })

                    Expect.isFalse scope.IsCompleted "the scope waits for its task"
                    stubborn.SetResult 1
                    let! e = throws<OperationCanceledException> scope
                    Expect.equal e.CancellationToken outer.Token "the scope's own cancellation, not the block's"
                }

            testTask
                "a scope opened with tasks and an outer token: WaitAsync ends with OperationCanceledException after the tasks"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let stubborn = source ()
                    let scope = new Waiting<int>([ stubborn.Task ], outer.Token)
                    let sibling = scope.Start untilCancelled
                    let leaving = scope.WaitAsync()
                    outer.Cancel()
                    let! _ = throws<OperationCanceledException> sibling
                    Expect.isFalse leaving.IsCompleted "waits for the task that ignores the token"
                    stubborn.SetResult 3
                    let! _ = throws<OperationCanceledException> leaving
                    ()
                }

            testTask "an outer token cancelled after the scope was left changes nothing"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let mutable token = CancellationToken.None

                    let! results =
                        Waiting.runCancellable outer.Token (fun scope ->
                            task {
                                token <- scope.Token
                                scope.Add(Task.FromResult 5)
                            })

                    outer.Cancel()
                    Expect.equal results [| 5 |] "the results"
                    Expect.isFalse token.IsCancellationRequested "the scope no longer listens to the outer token"
                }

            test "runCancellable refuses a null body, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () ->
                        Waiting.runCancellable<int> CancellationToken.None (Unchecked.defaultof<_>)
                        |> ignore)

                Expect.equal e.ParamName "body" "parameter"

                let e2 =
                    raises<ArgumentNullException>(fun () ->
                        new Waiting<int>(Unchecked.defaultof<seq<Task<int>>>, CancellationToken.None)
                        |> ignore)

                Expect.equal e2.ParamName "tasks" "parameter"
            }
        ]
