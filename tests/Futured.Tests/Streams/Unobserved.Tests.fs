module Futured.Tests.Futured.Unobserved

open System
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// A fault only this file raises, so that unobserved exceptions from elsewhere cannot be mistaken for ours.
type Abandoned(message: string) =
    inherit Exception(message)

/// Faulted tasks built in a separate frame so that no local keeps them alive.
let private abandonSeveral () : Task =
    task {
        let failing () =
            threaded (fun (i: int) -> raise (Abandoned $"call {i}")) 0

        // A fault ends the stream; the other faulted tasks are abandoned.
        let! _ = collect (Futured.asCompleted [ for _ in 1..20 -> failing () ])
        let! _ = collect (Futured.results [ for _ in 1..20 -> failing () ])
        // An early disposal abandons calls that fail later.
        let gate = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

        let slowFail =
            asynced (fun (i: int) ->
                task {
                    do! gate.Task
                    return raise (Abandoned $"late {i}")
                })

        let e = (Futured.map slowFail [ 1..10 ]).GetAsyncEnumerator()
        let pending = e.MoveNextAsync().AsTask()
        do! e.DisposeAsync()
        gate.SetResult()
        let! _ = pending.ContinueWith(fun (_: Task<bool>) -> ())
        // A deadline abandons calls that fail after it.
        let late =
            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

        let! _ =
            collect (Futured.asCompletedWithin (TimeSpan.FromMilliseconds 20.0) [ late.Task ])

        late.SetException(Abandoned "after the deadline")
    }

/// A control: a faulted task nobody observes, which the detector must report.
let private abandonControl () =
    Task.Run(fun () -> raise (Abandoned "control")) |> ignore

[<Tests>]
let tests =
    testSequenced
    <| testList
        "unobserved"
        [
            testTask "no fault of an abandoned task goes unobserved"
            <| fun () ->
                task {
                    let ours = Collections.Concurrent.ConcurrentQueue<exn>()

                    let handler =
                        EventHandler<UnobservedTaskExceptionEventArgs>(fun _ args ->
                            for e in args.Exception.InnerExceptions do
                                if e :? Abandoned then
                                    ours.Enqueue e)

                    TaskScheduler.UnobservedTaskException.AddHandler handler

                    try
                        do! abandonSeveral ()
                        abandonControl ()

                        // Collect until the control fault is reported: then every earlier one would have been too.
                        do!
                            waitUntil "the detector to report the control fault" (fun () ->
                                GC.Collect()
                                GC.WaitForPendingFinalizers()
                                not ours.IsEmpty)

                        GC.Collect()
                        GC.WaitForPendingFinalizers()
                        let messages = [ for e in ours -> e.Message ]
                        Expect.equal messages [ "control" ] "only the control fault went unobserved"
                    finally
                        TaskScheduler.UnobservedTaskException.RemoveHandler handler
                }
        ]
