module Futured.Tests.ForkedCancellable

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable
open Futured.Tests.Processed

/// In a child: starts a `sleep` (in the child's process group), writes both pids to a file of its own
/// (whole, through a rename), then blocks until it is killed.
let recordThenBlock (dir: string, i: int) =
    let sleeper = Process.Start("sleep", "300")
    let partial = Path.Combine(dir, $"partial-{i}")
    File.WriteAllText(partial, $"{Environment.ProcessId} {sleeper.Id}")
    File.Move(partial, Path.Combine(dir, $"pids-{i}"))
    Thread.Sleep Timeout.Infinite

/// The child's pid and its sleeper's pid, written by recordThenBlock for value i.
let pidsOf (dir: string) (i: int) =
    match pidsIn (Path.Combine(dir, $"pids-{i}")) with
    | [ child; sleeper ] -> child, sleeper
    | other -> failtestf "unexpected pids file: %A" other

/// Starts a run of recordThenBlock over 0, 1, 2, ... (lazily) with two children at once, waits until both
/// children wrote their pids, cancels it, and checks that it ends cancelled with both children (and what they
/// started) gone and no further value taken.
let cancelRunningChildren (start: CancellationToken -> seq<string * int> -> Task) =
    task {
        let dir = tempDir ()
        use cts = new CancellationTokenSource()
        let values = CountingSeq None
        let run = start cts.Token (values.Items |> Seq.map (fun i -> dir, i))

        let exists i =
            File.Exists(Path.Combine(dir, $"pids-{i}"))

        do! waitUntil "both children wrote their pids" (fun () -> run.IsCompleted || (exists 0 && exists 1))
        Expect.isFalse run.IsCompleted "the children run until they are killed"
        let children = [ pidsOf dir 0; pidsOf dir 1 ]

        for child, sleeper in children do
            Expect.isTrue (alive child && alive sleeper) "running before the cancellation"

        cts.Cancel()
        let! e = throws<OperationCanceledException>(run.WaitAsync generous)
        Expect.equal e.CancellationToken cts.Token "the caller's token"

        // The run ends only once every running child has exited (and been reaped): no waiting here.
        for child, _ in children do
            Expect.isFalse (alive child) $"child {child} is gone when the run ends"

        for _, sleeper in children do
            do! eventually $"the process {sleeper} the child started is gone" (fun () -> not (alive sleeper))

        Expect.equal values.Pulled 2 "no value beyond the two running ones was taken"
        Expect.isFalse (exists 2) "no further child started"
        Directory.Delete(dir, true)
    }

[<Tests>]
let tests =
    testSequenced
    <| testList
        "forkedCancellable"
        [
            testTask
                "cancelling kills the running children with their process groups, starts no further value, and ends cancelled after they are gone"
            <| fun () -> cancelRunningChildren (fun token values -> forkedCancellable token 2 recordThenBlock values)

            testTask "without a cancellation it runs every value, as forked does"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use cts = new CancellationTokenSource()
                    do! forkedCancellable cts.Token 2 Forked.writeOwn [ for i in 0..3 -> dir, i ]
                    Expect.equal (Forked.written dir) [ 0..3 ] "every body ran"
                }

            testTask "a token cancelled before the start takes no value and starts no child"
            <| fun () ->
                task {
                    let values = CountingSeq None
                    let dir = tempDir ()

                    let run =
                        forkedCancellable
                            (CancellationToken true)
                            2
                            recordThenBlock
                            (values.Items |> Seq.map (fun i -> dir, i))

                    let! _ = throws<OperationCanceledException>(run.WaitAsync generous)
                    Expect.equal values.Pulled 0 "no value taken"
                    Expect.isEmpty (Directory.GetFiles dir) "no child started"
                }

            testTask "under a token that is not cancelled, a failing child is raised as ForkedException"
            <| fun () ->
                task {
                    use cts = new CancellationTokenSource()
                    let run = forkedCancellable cts.Token 1 Forked.exitWith [ 0; 5 ]
                    let! e = throwsExactly<ForkedException> run
                    Expect.equal e.Index 1 "index"
                    Expect.equal e.ExitCode 5 "exit code"
                }

            test "forkedCancellable refuses bad input, naming the parameter" {
                let token = CancellationToken.None

                let e1 =
                    raises<ArgumentOutOfRangeException>(fun () -> forkedCancellable token 0 Forked.append [] |> ignore)

                Expect.equal e1.ParamName "maxWorkers" "bound"

                let e2 =
                    raises<ArgumentOutOfRangeException>(fun () -> forkedCancellable token -1 Forked.append [] |> ignore)

                Expect.equal e2.ParamName "maxWorkers" "negative bound"

                let e3 =
                    raises<ArgumentNullException>(fun () ->
                        forkedCancellable token 1 Forked.append Unchecked.defaultof<seq<string * int>>
                        |> ignore)

                Expect.equal e3.ParamName "values" "values"

                let e4 =
                    raises<ArgumentNullException>(fun () ->
                        forkedCancellable token 1 Unchecked.defaultof<int -> unit> [ 1 ] |> ignore)

                Expect.equal e4.ParamName "body" "body"
                let k = Random.Shared.Next()

                let e5 =
                    raises<ArgumentException>(fun () ->
                        forkedCancellable token 1 (fun (i: int) -> Console.Error.WriteLine(i + k)) [ 1 ]
                        |> ignore)

                Expect.equal e5.ParamName "body" "capturing body"
                Expect.stringContains e5.Message "captured state" "why"
            }
        ]
