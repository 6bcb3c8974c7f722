(**
---
title: Streaming, executed
category: Executed examples
categoryindex: 2
index: 1
---

# Streaming, executed

The code on this page runs when the site is built (`fsdocs build --eval`), against the library built from the same
commit; the output under each block is what it printed then. The completion order is fixed by completing
`TaskCompletionSource`s in a chosen order, so the page shows the same output at every build.
*)
(*** condition: prepare ***)
#I "../samples/Futured.Example/bin/Debug/net10.0"
#r "Futured.FSharp.dll"
(**
## Wrapping a function

`threaded f` gives a function whose every call runs `f` on a thread pool and returns a `Task`.
*)
open System
open System.Threading.Tasks
open Futured

let square = threaded (fun (n: int) -> n * n)
let squares = [ 1..5 ] |> List.map square
printfn "%A" (squares |> List.map Futured.run)
(*** include-output ***)

(**
## In input order, or as completed

Five pending tasks, completed in the order 3, 1, 4, 0, 2. `Futured.results` yields their results in input order;
`Futured.asCompleted` yields each as soon as it completes. To show that order at every build, each task here is
completed only once the stream waits for its next result.
*)
let completionOrder = [ 3; 1; 4; 0; 2 ]

let pending () =
    Array.init 5 (fun _ -> TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously))

let inOrder = pending ()

for i in completionOrder do
    inOrder[i].SetResult $"task {i}"

printfn "results:     %A" (Futured.results [ for s in inOrder -> s.Task ] |> Futured.iter |> List.ofSeq)

let asTheyCome = pending ()

let yielded =
    task {
        let enumerator =
            (Futured.asCompleted [ for s in asTheyCome -> s.Task ]).GetAsyncEnumerator()

        let seen = ResizeArray()

        for i in completionOrder do
            let next = enumerator.MoveNextAsync()
            asTheyCome[i].SetResult $"task {i}"
            let! _ = next
            seen.Add enumerator.Current

        let! finished = enumerator.MoveNextAsync()
        do! enumerator.DisposeAsync()
        return List.ofSeq seen, not finished
    }

let seen, ended = Futured.run yielded
printfn "asCompleted: %A" seen
printfn "then the stream ends: %b" ended
(*** include-output ***)

(**
## A total deadline

`Futured.asCompletedWithin` yields every result that completed before the deadline, then raises
`TimeoutException`; a task that never completes does not hold the stream.
*)
let never = TaskCompletionSource<int>().Task

try
    for x in
        Futured.asCompletedWithin (TimeSpan.FromMilliseconds 100.0) [ Task.FromResult 1; never ]
        |> Futured.iter do
        printfn "in time: %d" x
with :? TimeoutException as e ->
    printfn "deadline: %s" e.Message
(*** include-output ***)

(**
## The map family, lazily bounded

`Futured.mapWith` with `MaxConcurrency` consumes its input lazily, with at most that many calls in flight, so it works
over an endless sequence. The wrapped function counts how many of its calls run at once.
*)
let mutable running = 0
let mutable mostAtOnce = 0
let gate = obj ()

let measured =
    threaded (fun (n: int) ->
        lock gate (fun () ->
            running <- running + 1
            mostAtOnce <- max mostAtOnce running)

        Threading.Thread.Sleep 5
        lock gate (fun () -> running <- running - 1)
        n * 2)

let firstTwenty =
    Futured.mapWith
        { MapOptions.Default with
            MaxConcurrency = Some 4
        }
        measured
        (Seq.initInfinite id)
    |> Futured.iter
    |> Seq.take 20
    |> List.ofSeq

printfn "first twenty: %A" firstTwenty
printfn "at most 4 calls at once: %b" (mostAtOnce <= 4)
(*** include-output ***)

(**
`Futured.mapZip` pairs each input with its result, as they complete:
*)
Futured.mapZip square [ 1..4 ] |> Futured.iter |> Seq.sort |> List.ofSeq
(*** include-it ***)
