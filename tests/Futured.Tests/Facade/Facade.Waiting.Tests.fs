/// The C# facade's waiting scopes linked to an outer token, seen from F#.
module Futured.Tests.FacadeWaiting

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

let private source () =
    TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

/// Work that runs until the token is cancelled.
let private untilCancelled =
    Func<CancellationToken, Task<int>>(fun token ->
        task {
            do! Task.Delay(Timeout.Infinite, token)
            return -1
        })

[<Tests>]
let tests =
    testList
        "facade: Waiting with an outer token"
        [
            testTask
                "Futures.Waiting with a block and a token: the token cancels the scope's token, and the scope ends with OperationCanceledException after every task"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let stubborn = source ()
                    let mutable sibling: Task<int> = null

                    let scope =
                        Futures.Waiting<int>(
                            Func<Waiting<int>, Task>(fun scope ->
                                sibling <- scope.Start untilCancelled
                                scope.Add stubborn.Task
                                Task.CompletedTask),
                            outer.Token
                        )

                    outer.Cancel()
                    let! _ = throws<OperationCanceledException> sibling
                    Expect.isFalse scope.IsCompleted "the scope waits for the task that ignores the token"
                    stubborn.SetResult 1
                    let! e = throws<OperationCanceledException> scope
                    Expect.equal e.CancellationToken outer.Token "the outer token"
                }

            testTask
                "Futures.Waiting with a token and tasks: WaitAsync ends with OperationCanceledException after every task"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let stubborn = source ()
                    let scope = Futures.Waiting(outer.Token, stubborn.Task)
                    let sibling = scope.Start untilCancelled
                    let leaving = scope.WaitAsync()
                    outer.Cancel()
                    Expect.isTrue scope.Token.IsCancellationRequested "the scope's token is cancelled"
                    let! _ = throws<OperationCanceledException> sibling
                    Expect.isFalse leaving.IsCompleted "waits for the task that ignores the token"
                    stubborn.SetResult 1
                    let! _ = throws<OperationCanceledException> leaving
                    ()
                }

            testTask "Futures.Waiting with a token that is not cancelled gives the results in registration order"
            <| fun () ->
                task {
                    use outer = new CancellationTokenSource()
                    let scope = Futures.Waiting(outer.Token, Task.FromResult 1, Task.FromResult 2)
                    let! results = scope.WaitAsync()
                    Expect.equal results [| 1; 2 |] "the results"
                }

            test "Futures.Waiting with a token refuses null, naming the parameter" {
                Facade.nullNamed "tasks" (fun () -> Futures.Waiting<int>(CancellationToken.None, (null: Task<int>[])))

                Facade.nullNamed "tasks" (fun () ->
                    Futures.Waiting<int>(CancellationToken.None, [| Task.FromResult 1; null |]))

                Facade.nullNamed "body" (fun () ->
                    Futures.Waiting<int>((null: Func<Waiting<int>, Task>), CancellationToken.None))
            }
        ]
