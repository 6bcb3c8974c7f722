/// The C# facade of worker processes seen from F#: Submit, Wrap with one and two arguments, WrapCancellable,
/// Futures.Processed and Futures.Forked, with cancellation that kills processes and argument validation.
module Futured.Tests.FacadeProcesses

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable
open Futured.Tests.Processed
open Futured.Tests.ProcessedCancellable
open Futured.Tests.ForkedCancellable

let private startThenWaitFunc = Func<string * string, int>(startThenWait)
let private processIdFunc = Func<int, int>(fun _ -> Environment.ProcessId)

/// Cancels a running call made through start, then checks that its worker is gone, the task cancelled, and that
/// the pool's next call runs on a new worker.
let private cancelKillsWorker (start: Processed -> CancellationToken -> string * string -> Task<int>) =
    task {
        let dir = tempDir ()
        use pool = new Processed(1)
        use cts = new CancellationTokenSource()
        let! call, pid = runningCall dir (start pool cts.Token)
        cts.Cancel()
        let! e = throws<OperationCanceledException>(call.WaitAsync generous)
        Expect.equal e.CancellationToken cts.Token "the caller's token"
        do! eventually "the worker is gone" (fun () -> not (alive pid))
        let! next = pool.Submit(processIdFunc, 0)
        Expect.notEqual next pid "a new worker"
        Expect.isTrue (alive next) "the new worker serves the pool"
    }

/// Checks that the call throws ArgumentException naming the parameter, for a function with captured state.
let private capturedRefused (parameter: string) (call: unit -> obj) =
    let e = raises<ArgumentException>(fun () -> call () |> ignore)
    Expect.equal e.ParamName parameter $"names {parameter}"
    Expect.stringContains e.Message "captured state" "says why"

[<Tests>]
let tests =
    testSequenced
    <| testList
        "facade: worker processes"
        [
            testTask "Processed.Submit runs a delegate in a worker process and gives its result"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! doubled = pool.Submit(Func<int, int>(fun x -> x * 2), 21)
                    Expect.equal doubled 42 "the result"
                    let! worker = pool.Submit(processIdFunc, 0, CancellationToken.None)
                    Expect.notEqual worker Environment.ProcessId "ran in another process"
                }

            testTask "cancelling a running Processed.Submit kills its worker, and the next call runs on a new worker"
            <| fun () -> cancelKillsWorker (fun pool token args -> pool.Submit(startThenWaitFunc, args, token))

            testTask
                "cancelling a running call of Processed.WrapCancellable kills its worker, and the next call runs on a new worker"
            <| fun () ->
                cancelKillsWorker (fun pool token args -> pool.WrapCancellable(startThenWaitFunc).Invoke(args, token))

            testTask "cancelling a queued Processed.Submit removes it: it never runs"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use pool = new Processed(1)
                    let gate = Path.Combine(dir, "gate")
                    let started = Path.Combine(dir, "started")
                    let running = pool.Submit(startThenWaitFunc, (started, gate))
                    do! waitUntil "the first call started" (fun () -> File.Exists started)
                    use cts = new CancellationTokenSource()
                    let marker = Path.Combine(dir, "queued-ran")
                    let queued = pool.Submit(Func<string, int>(touch), marker, cts.Token)
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException>(queued.WaitAsync generous)
                    File.WriteAllText(gate, "open")
                    let! _ = running
                    let! _ = pool.Submit(processIdFunc, 0)
                    Expect.isFalse (File.Exists marker) "the cancelled call never ran"
                }

            testTask "Processed.Wrap and Futures.Processed take two-argument delegates, whose arguments cross as a pair"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let combine = pool.Wrap(Func<int, string, string>(fun n s -> String.replicate n s))
                    let! text = combine.Invoke(3, "ab")
                    Expect.equal text "ababab" "the result"
                    let shared = Futures.Processed(Func<int, int, int>(fun a b -> a * 10 + b))
                    let! number = shared.Invoke(4, 2)
                    Expect.equal number 42 "the result from the shared pool"
                    let where = Futures.Processed(Func<int, int, int>(fun _ _ -> Environment.ProcessId))
                    let! pid = where.Invoke(0, 0)
                    Expect.notEqual pid Environment.ProcessId "ran in another process"
                }

            testTask
                "cancelling Futures.Forked kills the running children with their process groups, starts no further value, and ends cancelled after they are gone"
            <| fun () ->
                cancelRunningChildren (fun token values ->
                    Futures.Forked(values, Action<string * int>(recordThenBlock), 2, token))

            testTask "Futures.Forked without a bound runs every value, at most one child per processor at once"
            <| fun () ->
                task {
                    let folder = tempDir ()

                    do!
                        Futures.Forked(
                            [ for i in 0..2 -> folder, i ],
                            Action<string * int>(fun (path, i) -> File.WriteAllText(Path.Combine(path, string i), ""))
                        )

                    let names =
                        Directory.GetFiles folder |> Array.map (Path.GetFileName >> int) |> Array.sort

                    Expect.equal names [| 0; 1; 2 |] "every body ran"
                    Directory.Delete(folder, true)
                }

            test "the worker-process entry points refuse a delegate with captured state, naming the C# parameter" {
                use pool = new Processed(1)
                let k = Random.Shared.Next(1, 10)
                capturedRefused "function" (fun () -> pool.Wrap(Func<int, int>(fun x -> x + k)))
                capturedRefused "function" (fun () -> pool.Wrap(Func<int, int, int>(fun a b -> a + b + k)))
                capturedRefused "function" (fun () -> pool.WrapCancellable(Func<int, int>(fun x -> x + k)))
                capturedRefused "function" (fun () -> pool.Submit(Func<int, int>(fun x -> x + k), 1))
                capturedRefused "function" (fun () -> Futures.Processed(Func<int, int>(fun x -> x + k)))
                capturedRefused "function" (fun () -> Futures.Processed(Func<int, int, int>(fun a b -> a + b + k)))

                capturedRefused "body" (fun () ->
                    Futures.Forked(
                        [ 1 ],
                        Action<int>(fun i -> Console.Error.WriteLine(i + k)),
                        1,
                        CancellationToken.None
                    ))

                let e =
                    raises<ArgumentException>(fun () ->
                        pool.Wrap(Func<int, CancellationToken, int>(fun x _ -> x)) |> ignore)

                Expect.equal e.ParamName "function" "a token-taking two-argument delegate is refused"
                Expect.stringContains e.Message "WrapCancellable" "points to WrapCancellable"
            }

            test "the worker-process entry points refuse null and out-of-range arguments, naming the parameter" {
                let nullFunc: Func<int, int> = null
                let nullFunc2: Func<int, int, int> = null
                let nullProcessed = Unchecked.defaultof<Processed>
                use pool = new Processed(1)
                Facade.nullNamed "executor" (fun () -> nullProcessed.Submit(processIdFunc, 1))
                Facade.nullNamed "function" (fun () -> pool.Submit(nullFunc, 1))
                Facade.nullNamed "executor" (fun () -> nullProcessed.Wrap(Func<int, int, int>(fun a b -> a + b)))
                Facade.nullNamed "function" (fun () -> pool.Wrap nullFunc2)
                Facade.nullNamed "executor" (fun () -> nullProcessed.WrapCancellable processIdFunc)
                Facade.nullNamed "function" (fun () -> pool.WrapCancellable nullFunc)
                Facade.nullNamed "function" (fun () -> Futures.Processed nullFunc2)

                Facade.nullNamed "values" (fun () ->
                    Futures.Forked((null: int seq), Action<int> ignore, cancellationToken = CancellationToken.None))

                Facade.nullNamed "body" (fun () -> Futures.Forked([ 1 ], (null: Action<int>)))
                Facade.outOfRangeNamed "maxWorkers" (fun () -> Futures.Forked([ 1 ], Action<int> ignore, 0))
                Facade.outOfRangeNamed "maxWorkers" (fun () -> Futures.Forked([ 1 ], Action<int> ignore, -3))
            }
        ]
