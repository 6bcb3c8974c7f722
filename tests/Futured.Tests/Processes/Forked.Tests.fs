module Futured.Tests.Forked

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Processed

/// Appends the value to the file.
let append (path: string, i: int) = File.AppendAllText(path, $"{i}\n")

/// Like append, but the item 2 raises.
let failOnTwo (path: string, i: int) =
    if i = 2 then
        failwith "two is not allowed"

    append (path, i)

/// Writes a file of the value's own in the folder: children that run at once must not append to one file (.NET
/// does not open a file for appending with O_APPEND, so two children at once overwrite each other's lines).
let writeOwn (dir: string, i: int) =
    File.WriteAllText(Path.Combine(dir, string i), string i)

/// The values whose files writeOwn wrote in the folder, in order.
let written (dir: string) =
    Directory.GetFiles dir
    |> Array.map (Path.GetFileName >> int)
    |> Array.sort
    |> List.ofArray

let exitWith (code: int) = exit code

/// Marks the child started (checking that at most `bound` children are unfinished), waits until
/// the test releases it, then marks it done.
let gated (dir: string, bound: int, i: int) =
    let count prefix =
        Directory.GetFiles(dir, prefix + "-*").Length

    File.WriteAllText(Path.Combine(dir, $"started-{i}"), "")

    if count "started" - count "done" > bound then
        exit 42

    while not (File.Exists(Path.Combine(dir, $"release-{i}"))) do
        Thread.Sleep 5

    File.WriteAllText(Path.Combine(dir, $"done-{i}"), "")

let lines (path: string) =
    if File.Exists path then
        File.ReadAllLines path |> Array.map int |> List.ofArray
    else
        []

[<Tests>]
let tests =
    testSequenced
    <| testList
        "forked"
        [
            testTask "forked runs each value in its own child process, in input order with one worker"
            <| fun () ->
                task {
                    let file = Path.Combine(tempDir (), "out")
                    do! forked 1 append [ for i in 0..5 -> file, i ]
                    Expect.equal (lines file) [ 0..5 ] "every body ran, in order"
                }

            testTask "forked never runs more than maxWorkers children at once, and does run them together"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    let n = 6
                    let run = forked 2 gated [ for i in 0 .. n - 1 -> dir, 2, i ]
                    let exists name = File.Exists(Path.Combine(dir, name))

                    for i in 0 .. n - 1 do
                        do! waitUntil $"child {i} started" (fun () -> exists $"started-{i}" || run.IsCompleted)
                        Expect.isFalse run.IsFaulted "no child saw more than two running"

                        let unfinished =
                            Directory.GetFiles(dir, "started-*").Length
                            - Directory.GetFiles(dir, "done-*").Length

                        Expect.isLessThanOrEqual unfinished 2 "at most two children unfinished"

                        if i = 0 then
                            do! waitUntil "child 1 started while 0 runs" (fun () -> exists "started-1")

                        File.WriteAllText(Path.Combine(dir, $"release-{i}"), "")

                    do! run.WaitAsync generous
                    Expect.equal (Directory.GetFiles(dir, "done-*").Length) n "every child finished"
                }

            testTask "the first failure raises with the value and exit code, and no further child starts"
            <| fun () ->
                task {
                    let file = Path.Combine(tempDir (), "out")

                    let! e =
                        throwsExactly<ForkedException>(forked 1 failOnTwo [ for i in 0..5 -> file, i ])

                    Expect.equal e.Index 2 "index"
                    Expect.stringContains e.Value "2" "value"
                    Expect.equal e.ExitCode 1 "exit code"
                    let inner = e.InnerException :?> RemoteException
                    Expect.equal inner.RemoteMessage "two is not allowed" "remote message"
                    Expect.equal (lines file) [ 0; 1 ] "no child after the failure"
                }

            testTask "a child that exits raises with its exit code"
            <| fun () ->
                task {
                    let! e = throwsExactly<ForkedException>(forked 2 exitWith [ 0; 7 ])
                    Expect.equal e.Index 1 "index"
                    Expect.equal e.ExitCode 7 "exit code"
                    Expect.isTrue (e.InnerException :? WorkerCrashedException) "crash inside"
                }

            testTask "forked consumes values lazily and stops after a failure"
            <| fun () ->
                task {
                    let values = CountingSeq None
                    let! e = throwsExactly<ForkedException>(forked 2 exitWith values.Items)
                    // Values 1 and 2 may run at once (two workers), and both fail: the first to finish is raised.
                    Expect.contains [ 1; 2 ] e.Index "a non-zero value fails"
                    Expect.isLessThanOrEqual values.Pulled 3 "at most one value beyond the window"
                }

            testTask "Processed.Fork runs a delegate body"
            <| fun () ->
                task {
                    let file = Path.Combine(tempDir (), "out")

                    do!
                        Processed.Fork(
                            [ for i in 0..2 -> file, i ],
                            Action<string * int> append,
                            1,
                            CancellationToken.None
                        )

                    Expect.equal (lines file) [ 0..2 ] "every body ran"
                }

            test "forked refuses bad input, naming the parameter" {
                let k = Random.Shared.Next()

                let e1 = raises<ArgumentOutOfRangeException>(fun () -> forked 0 append [] |> ignore)

                Expect.equal e1.ParamName "maxWorkers" "bound"

                let e2 =
                    raises<ArgumentNullException>(fun () ->
                        forked 1 append Unchecked.defaultof<seq<string * int>> |> ignore)

                Expect.equal e2.ParamName "values" "values"

                let e3 =
                    raises<ArgumentException>(fun () ->
                        forked 1 (fun (i: int) -> Console.Error.WriteLine(i + k)) [ 1 ] |> ignore)

                Expect.equal e3.ParamName "body" "capturing body"

                let e4 =
                    raises<ArgumentNullException>(fun () ->
                        Processed.Fork([ 1 ], Unchecked.defaultof<Action<int>>, 1, CancellationToken.None)
                        |> ignore)

                Expect.equal e4.ParamName "body" "null body"

                let e5 =
                    raises<ArgumentNullException>(fun () ->
                        Processed.Fork(
                            Unchecked.defaultof<seq<int>>,
                            Action<int>(fun _ -> ()),
                            1,
                            CancellationToken.None
                        )
                        |> ignore)

                Expect.equal e5.ParamName "values" "null values"

                let e6 =
                    raises<ArgumentOutOfRangeException>(fun () ->
                        Processed.Fork([ 1 ], Action<int>(fun _ -> ()), 0, CancellationToken.None)
                        |> ignore)

                Expect.equal e6.ParamName "maxWorkers" "bound"

                let e7 =
                    raises<ArgumentException>(fun () ->
                        Processed.Fork(
                            [ 1 ],
                            Action<int>(fun i -> Console.Error.WriteLine(i + k)),
                            1,
                            CancellationToken.None
                        )
                        |> ignore)

                Expect.equal e7.ParamName "body" "capturing delegate"
            }

            testTask "workers exit by themselves when their parent is killed with SIGKILL"
            <| fun () ->
                task {
                    let pidFile = Path.Combine(tempDir (), "busy-worker")
                    let psi = ProcessStartInfo("dotnet")
                    psi.ArgumentList.Add(Futured.Tests.ProcessTable.parentProgramPath ())
                    psi.ArgumentList.Add pidFile
                    psi.RedirectStandardOutput <- true
                    psi.UseShellExecute <- false
                    use parent = Process.Start psi
                    let workers = ResizeArray<int>()
                    let mutable ready = false

                    while not ready do
                        let! line = parent.StandardOutput.ReadLineAsync().WaitAsync generous

                        match line with
                        | null -> failtest "the parent program ended early"
                        | "ready" -> ready <- true
                        | l when l.StartsWith "worker " -> workers.Add(int (l.Substring 7))
                        | _ -> ()

                    Expect.equal workers.Count 2 "two workers, one of them busy"

                    for w in workers do
                        Expect.isFalse (isGone w) $"worker {w} runs before the kill"

                    parent.Kill()
                    do! parent.WaitForExitAsync().WaitAsync generous

                    for w in workers do
                        do! waitUntil $"worker {w} exited" (fun () -> isGone w)
                }
        ]
