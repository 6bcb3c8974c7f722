module Futured.Tests.ProcessedCancellable

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable
open Futured.Tests.Processed

/// Starts a call of startThenWait that never returns by itself, and waits until the worker runs it; gives its pid.
let runningCall (dir: string) (start: string * string -> Task<int>) =
    task {
        let started = Path.Combine(dir, "started")
        let call = start (started, Path.Combine(dir, "never"))

        do!
            waitUntil "the call started" (fun () ->
                call.IsCompleted || (File.Exists started && File.ReadAllText started <> ""))

        Expect.isFalse call.IsCompleted "the call runs"
        return call, int (File.ReadAllText started)
    }

[<Tests>]
let tests =
    testList
        "Processed.WrapCancellable"
        [
            testTask "WrapCancellable runs each call in a worker process and gives its result"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let wrapped = pool.WrapCancellable double
                    let! result = wrapped 21 CancellationToken.None
                    Expect.equal result 42 "the result"
                    let! worker = pool.WrapCancellable processId () CancellationToken.None
                    Expect.notEqual worker Environment.ProcessId "ran in another process"
                }

            testTask
                "cancelling a running call kills its worker process, the task is cancelled, and the next call runs on a new worker"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use pool = new Processed(1)
                    use cts = new CancellationTokenSource()
                    let wrapped = pool.WrapCancellable startThenWait
                    let! call, pid = runningCall dir (fun args -> wrapped args cts.Token)
                    cts.Cancel()
                    let! e = throws<OperationCanceledException>(call.WaitAsync generous)
                    Expect.equal e.CancellationToken cts.Token "the caller's token"
                    do! eventually "the worker is gone" (fun () -> not (alive pid))
                    let! next = pool.WrapCancellable processId () CancellationToken.None
                    Expect.notEqual next pid "a new worker"
                    Expect.isTrue (alive next) "the new worker serves the pool"
                }

            testTask "cancelling a queued call removes it: it never runs"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use pool = new Processed(1)
                    let gate = Path.Combine(dir, "gate")
                    let started = Path.Combine(dir, "started")
                    let running = pool.Wrap startThenWait (started, gate)
                    do! waitUntil "the first call started" (fun () -> File.Exists started)
                    use cts = new CancellationTokenSource()
                    let marker = Path.Combine(dir, "queued-ran")
                    let queued = pool.WrapCancellable touch marker cts.Token
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException>(queued.WaitAsync generous)
                    File.WriteAllText(gate, "open")
                    let! first = running
                    let! _ = pool.Wrap double 1
                    Expect.isFalse (File.Exists marker) "the cancelled call never ran"
                    Expect.isTrue (alive first) "the worker was not killed for a queued call"
                }

            test "WrapCancellable refuses a null function and a function with captured state, naming the parameter" {
                use pool = new Processed(1)

                let e1 =
                    raises<ArgumentNullException>(fun () ->
                        pool.WrapCancellable(Unchecked.defaultof<int -> int>) |> ignore)

                Expect.equal e1.ParamName "f" "null"
                let offset = Random.Shared.Next(1, 10)

                let e2 =
                    raises<ArgumentException>(fun () -> pool.WrapCancellable(fun (x: int) -> x + offset) |> ignore)

                Expect.equal e2.ParamName "f" "captured state"
                Expect.stringContains e2.Message "captured state" "why"
            }
        ]
