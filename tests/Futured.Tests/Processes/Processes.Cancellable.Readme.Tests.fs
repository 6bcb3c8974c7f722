/// The README's example of worker processes under cancellation, verbatim, and a test that runs it.
module Futured.Tests.ProcessesCancellableReadme

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

let square (n: int) = n * n

let stuck (ms: int) =
    Thread.Sleep ms
    ms

let sleep (ms: int) = Thread.Sleep ms

let cancelled (run: Task) =
    task {
        try
            do! run
            return false
        with :? OperationCanceledException ->
            return true
    }

let stopping () =
    task {
        use pool = new Processed(2)
        // A call that takes a token: cancelling it kills the worker running the call, which is replaced.
        let call = pool.WrapCancellable stuck 300_000
        use deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds 200.0)
        let! callStopped = cancelled (call deadline.Token) // true, the worker is killed
        let! next = pool.WrapCancellable square 7 CancellationToken.None // 49, on a new worker
        // forked under a token: cancelling it kills the running children and starts no more.
        use stop = new CancellationTokenSource(TimeSpan.FromMilliseconds 200.0)

        let! forkStopped =
            cancelled (forkedCancellable stop.Token 2 sleep [ for _ in 1..100 -> 300_000 ]) // true

        return callStopped, next, forkStopped
    }

[<Tests>]
let tests =
    testTask "processes: the README example of cancellation runs and gives the results it states"
    <| fun () ->
        task {
            let! callStopped, next, forkStopped = stopping ()
            Expect.isTrue callStopped "the call was cancelled"
            Expect.equal next 49 "the next call"
            Expect.isTrue forkStopped "forked was cancelled"
        }
