module Futured.Tests.Futured.AsCompleted

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "asCompleted"
        [
            property "asCompleted yields exactly the completion order" permutations
            <| yieldsCompletionOrder Futured.asCompleted

            property
                "a fault surfaces once, at its place in the completion order, with its original type"
                permutationsWithCut
            <| fun (perm, cut) ->
                task {
                    let n = perm.Length
                    let faultAt = cut % n
                    let tcs = sources n
                    let e = (Futured.asCompleted [ for t in tcs -> t.Task ]).GetAsyncEnumerator()
                    let yielded = ResizeArray()
                    let mutable failure = None
                    let mutable step = 0

                    while failure.IsNone && step < n do
                        let i = perm[step]
                        let pending = e.MoveNextAsync().AsTask()

                        if step = faultAt then
                            tcs[i].SetException(Boom $"item {i}")
                        else
                            tcs[i].SetResult i

                        try
                            let! _ = pending
                            yielded.Add e.Current
                        with ex ->
                            failure <- Some ex

                        step <- step + 1

                    // After the fault the stream has ended; complete the rest so nothing dangles.
                    for i in perm[step..] do
                        tcs[i].TrySetResult i |> ignore

                    let! after = e.MoveNextAsync()
                    do! e.DisposeAsync()

                    return
                        List.ofSeq yielded = List.ofArray perm[.. faultAt - 1]
                        && not after
                        && (match failure with
                            | Some(:? Boom as b) -> b.Message = $"item {perm[faultAt]}"
                            | _ -> false)
                }
                |> await'

            property
                "with a deadline, exactly the tasks completed before it are yielded, then TimeoutException"
                permutationsWithCut
            <| fun (perm, k) ->
                let tcs = sources perm.Length

                for i in perm[.. k - 1] do
                    tcs[i].SetResult i

                let items, failure =
                    collect (Futured.asCompletedWithin (TimeSpan.FromMilliseconds 5.0) [ for t in tcs -> t.Task ])
                    |> await'

                List.sort items = List.sort (List.ofArray perm[.. k - 1])
                && (if k = perm.Length then
                        failure.IsNone
                    else
                        match failure with
                        | Some(:? TimeoutException) -> true
                        | _ -> false)

            testTask "a deadline on tasks that never complete raises TimeoutException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()

                    let! items, failure =
                        collect (Futured.asCompletedWithin (TimeSpan.FromMilliseconds 50.0) [ never.Task ])

                    Expect.isEmpty items "nothing completed"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "timeout"
                }

            testTask "cancelling the token given to GetAsyncEnumerator raises OperationCanceledException"
            <| fun () ->
                task {
                    let first = TaskCompletionSource<int>()
                    let never = TaskCompletionSource<int>()
                    use cts = new CancellationTokenSource()

                    let e =
                        (Futured.asCompleted [ first.Task; never.Task ]).GetAsyncEnumerator(cts.Token)

                    first.SetResult 1
                    let! moved = e.MoveNextAsync()
                    Expect.isTrue (moved && e.Current = 1) "the completed result"
                    let pending = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> pending
                    do! e.DisposeAsync()
                }

            testTask "many tasks completing concurrently are each yielded exactly once"
            <| fun () ->
                task {
                    let tasks = [ for i in 0..9999 -> Task.Run(fun () -> i) ]
                    let! items = toList (Futured.asCompleted tasks)
                    Expect.equal (List.sort items) [ 0..9999 ] "every result once"
                }

            testTask "a task given twice is yielded once for each time it is given"
            <| fun () ->
                task {
                    let twice =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let reading =
                        toList (Futured.asCompleted [ twice.Task; Task.FromResult 5; twice.Task ])

                    twice.SetResult 1
                    let! items = reading
                    Expect.equal items [ 5; 1; 1 ] "the completed one first, then the repeated one twice"
                }

            test "asCompleted refuses a null sequence, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> Futured.asCompleted (null: seq<Task<int>>) |> ignore)

                Expect.equal e.ParamName "tasks" "parameter"
            }

            test "asCompletedWithin refuses a negative timeout, naming the parameter" {
                let e =
                    raises<ArgumentOutOfRangeException>(fun () ->
                        Futured.asCompletedWithin (TimeSpan.FromSeconds -1.0) [] |> ignore)

                Expect.equal e.ParamName "timeout" "parameter"
            }
        ]
