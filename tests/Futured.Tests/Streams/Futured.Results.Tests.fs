module Futured.Tests.Futured.Results

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// Completes the sources in the order of `perm` and checks, after every completion, that exactly the
/// completed prefix (in input order) has been yielded and that the stream waits for the rest.
let drivenInOrder (perm: int[]) =
    task {
        let n = perm.Length
        let tcs = sources n
        let e = (Futured.results [ for t in tcs -> t.Task ]).GetAsyncEnumerator()
        let completed = Array.zeroCreate n
        let mutable yielded = 0
        let mutable pending = e.MoveNextAsync().AsTask()
        let mutable ok = true

        for i in perm do
            tcs[i].SetResult(i * 10)
            completed[i] <- true

            while yielded < n && completed[yielded] do
                let! moved = pending
                ok <- ok && moved && e.Current = yielded * 10
                yielded <- yielded + 1
                pending <- e.MoveNextAsync().AsTask()

            // The head is still pending: the stream must not have moved on.
            if yielded < n then
                ok <- ok && not pending.IsCompleted

        let! moved = pending
        do! e.DisposeAsync()
        return ok && not moved
    }

[<Tests>]
let tests =
    testList
        "results"
        [
            property "results yields every result in input order, for every completion order" permutations
            <| fun perm -> drivenInOrder perm |> await'

            property
                "a fault surfaces once, at its position, with its original type, and ends the stream"
                permutationsWithCut
            <| fun (perm, cut) ->
                let n = perm.Length
                let faulty = cut % n
                let tcs = sources n

                for i in perm do
                    if i = faulty then
                        tcs[i].SetException(Boom $"item {i}")
                    else
                        tcs[i].SetResult i

                let items, failure = collect (Futured.results [ for t in tcs -> t.Task ]) |> await'

                items = [ 0 .. faulty - 1 ]
                && (match failure with
                    | Some(:? Boom as b) -> b.Message = $"item {faulty}"
                    | _ -> false)

            property
                "with a deadline, exactly the completed prefix is yielded, then TimeoutException"
                permutationsWithCut
            <| fun (perm, k) ->
                let n = perm.Length
                let tcs = sources n
                // The first k of the permutation complete; the others never do.
                for i in perm[.. k - 1] do
                    tcs[i].SetResult i

                let done' = set perm[.. k - 1]
                let prefix = [ 0 .. n - 1 ] |> List.takeWhile done'.Contains

                let items, failure =
                    collect (Futured.resultsWithin (TimeSpan.FromMilliseconds 5.0) [ for t in tcs -> t.Task ])
                    |> await'

                if k = n then
                    items = [ 0 .. n - 1 ] && failure.IsNone
                else
                    items = prefix
                    && (match failure with
                        | Some(:? TimeoutException) -> true
                        | _ -> false)

            testTask "the first result is yielded while later tasks still run"
            <| fun () ->
                task {
                    let first = TaskCompletionSource<int>()
                    let never = TaskCompletionSource<int>()
                    let e = (Futured.results [ first.Task; never.Task ]).GetAsyncEnumerator()
                    first.SetResult 1
                    let! v = next e
                    Expect.equal v 1 "first"
                    never.SetResult 2
                    let! w = next e
                    Expect.equal w 2 "second"
                    do! ended e
                }

            testTask "an empty input yields nothing"
            <| fun () ->
                task {
                    let! items = toList (Futured.results [])
                    Expect.isEmpty items "nothing"
                }

            testTask "a deadline on tasks that never complete raises TimeoutException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    let clock = Diagnostics.Stopwatch.StartNew()

                    let! items, failure =
                        collect (Futured.resultsWithin (TimeSpan.FromMilliseconds 50.0) [ never.Task ])

                    Expect.isEmpty items "nothing completed"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "timeout"
                    Expect.isLessThan clock.Elapsed generous "the deadline fired"
                }

            testTask "the deadline's clock starts at the first MoveNextAsync, so completed results still come first"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()

                    let stream =
                        Futured.resultsWithin (TimeSpan.FromMilliseconds 200.0) [ Task.FromResult 1; never.Task ]

                    let e = stream.GetAsyncEnumerator()
                    // Longer than the deadline: had the clock started with the enumerator, it would have passed.
                    do! Task.Delay(TimeSpan.FromMilliseconds 400.0)
                    let! first = next e
                    Expect.equal first 1 "the completed result"
                    let! _ = throws<TimeoutException>(e.MoveNextAsync().AsTask())
                    do! e.DisposeAsync()
                }

            testTask "cancelling the enumerator's token raises OperationCanceledException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    use cts = new CancellationTokenSource()
                    let e = (Futured.results [ never.Task ]).GetAsyncEnumerator(cts.Token)
                    let move = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> move
                    do! e.DisposeAsync()
                }

            testTask "a cancelled task surfaces as TaskCanceledException"
            <| fun () ->
                task {
                    let! _, failure =
                        collect (Futured.results [ Task.FromCanceled<int>(CancellationToken true) ])

                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TaskCanceledException)) "cancelled"
                }

            testTask "each enumeration of the same stream yields the results again"
            <| fun () ->
                task {
                    let stream = Futured.results [ Task.FromResult 1; Task.FromResult 2 ]
                    let! a = toList stream
                    let! b = toList stream
                    Expect.equal (a, b) ([ 1; 2 ], [ 1; 2 ]) "both enumerations"
                }

            test "results refuses a null sequence, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> Futured.results (null: seq<Task<int>>) |> ignore)

                Expect.equal e.ParamName "tasks" "parameter"
            }

            test "resultsWithin refuses a negative timeout, naming the parameter" {
                let e =
                    raises<ArgumentOutOfRangeException>(fun () ->
                        Futured.resultsWithin (TimeSpan.FromSeconds -1.0) [ Task.FromResult 1 ]
                        |> ignore)

                Expect.equal e.ParamName "timeout" "parameter"
            }
        ]
