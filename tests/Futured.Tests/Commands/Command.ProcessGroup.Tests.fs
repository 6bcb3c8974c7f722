module Futured.Tests.CommandProcessGroup

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable
open Futured.Internal

[<Tests>]
let tests =
    testList
        "commands process groups"
        [
            testTask "a timeout on sh -c 'sleep 30 & sleep 30' raises TimeoutException and leaves no sleep behind"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let pids = Path.Combine(dir, "pids")
                    let orphan = Path.Combine(dir, "orphan")

                    try
                        // Records its own pid (the process group) and the background sleep's, then waits; a
                        // third sleep, orphaned by a subshell, is no longer in the shell's process tree but
                        // still in its group.
                        let script =
                            $"(sleep 30 & echo $! > '{orphan}'); sleep 30 & echo $$ $! > '{pids}'; sleep 30"

                        let! _ =
                            Command.shell script
                            |> Command.withTimeout (TimeSpan.FromSeconds 3.0)
                            |> Command.run
                            |> throwsExactly<TimeoutException>

                        match pidsIn pids @ pidsIn orphan with
                        | [ group; background; orphaned ] ->
                            // Well within the sleeps' own 30 s, so only a kill can pass this.
                            do!
                                eventuallyWithin
                                    (TimeSpan.FromSeconds 10.0)
                                    "no process of the group survives"
                                    (fun () -> List.isEmpty (groupMembers group))

                            Expect.isFalse (alive group) "the shell (and its foreground sleep) was killed"
                            Expect.isFalse (alive background) "the background sleep was killed"
                            Expect.isFalse (alive orphaned) "the orphaned sleep was killed"
                        | other ->
                            failtestf "the script should have recorded three pids before the timeout, got %A" other
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "every process runs as the leader of its own process group"
            <| fun () ->
                task {
                    // Fields 5 and 6 of /proc/<pid>/stat: the process group and the session.
                    let! out = Command.shell "echo $$ $$; cut -d' ' -f5,6 /proc/$$/stat"
                    let lines = out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    Expect.equal lines[1] lines[0] "process group = session = pid"
                }

            testTask "cancelling kills the whole process group and raises OperationCanceledException"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let pids = Path.Combine(dir, "pids")

                    try
                        use cts = new CancellationTokenSource()

                        let running =
                            Command.shell $"sleep 300 & echo $$ $! > '{pids}'; sleep 300"
                            |> Command.withCancellation cts.Token
                            |> Command.run

                        do! eventually "the script recorded its pids" (fun () -> (pidsIn pids).Length = 2)
                        cts.Cancel()
                        let! _ = throws<OperationCanceledException> running
                        let group = List.head (pidsIn pids)
                        do! eventually "no process of the group survives" (fun () -> List.isEmpty (groupMembers group))
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "cancelling a pipeline kills the process group of every stage"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let first = Path.Combine(dir, "first")
                    let second = Path.Combine(dir, "second")

                    try
                        use cts = new CancellationTokenSource()

                        let running =
                            Command.shell $"echo $$ > '{first}'; sleep 300 & sleep 300"
                            ||| Command.shell $"echo $$ > '{second}'; sleep 300 & cat"
                            |> Command.withCancellation cts.Token
                            |> Command.run

                        do!
                            eventually "both stages started" (fun () ->
                                (pidsIn first).Length = 1 && (pidsIn second).Length = 1)

                        cts.Cancel()
                        let! _ = throws<OperationCanceledException> running

                        for group in pidsIn first @ pidsIn second do
                            do!
                                eventually "no process of either group survives" (fun () ->
                                    List.isEmpty (groupMembers group))
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "a timeout on a pipeline kills the process group of every stage"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let first = Path.Combine(dir, "first")
                    let second = Path.Combine(dir, "second")

                    try
                        let! _ =
                            Command.shell $"echo $$ > '{first}'; sleep 30 & sleep 30"
                            ||| Command.shell $"echo $$ > '{second}'; sleep 30 & cat"
                            |> Command.withTimeout (TimeSpan.FromSeconds 3.0)
                            |> Command.run
                            |> throwsExactly<TimeoutException>

                        let groups = pidsIn first @ pidsIn second
                        Expect.equal groups.Length 2 "both stages started before the timeout"

                        for group in groups do
                            do!
                                eventuallyWithin
                                    (TimeSpan.FromSeconds 10.0)
                                    "no process of either group survives"
                                    (fun () -> List.isEmpty (groupMembers group))
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "a token cancelled before the run starts no process"
            <| fun () ->
                task {
                    let dir = tempDirectory ()

                    try
                        let marker = Path.Combine(dir, "ran")

                        let! _ =
                            Command.shell $"touch '{marker}'"
                            |> Command.withCancellation (CancellationToken true)
                            |> Command.run
                            |> throws<OperationCanceledException>

                        Expect.isFalse (File.Exists marker) "nothing ran"
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "background processes a successful command leaves behind are killed when it exits"
            <| fun () ->
                task {
                    let! out = Command.shell "sleep 300 >/dev/null 2>&1 & echo $!"
                    let background = int (out.Trim())
                    do! eventually "the background sleep was killed" (fun () -> not (alive background))
                }
        ]

/// The kernel's cursor for the next pid: writing n - 1 makes the next process started get pid n, if it is free.
let private lastPid = "/proc/sys/kernel/ns_last_pid"

/// Starts setsid(1) with a shell script, so that the shell leads its own process group, with its standard input
/// and output piped to this process.
let private startLeader (script: string) =
    let info =
        ProcessStartInfo(
            ProcessGroup.setsid.Value.Value,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false
        )

    for argument in [ "/bin/sh"; "-c"; script ] do
        info.ArgumentList.Add argument

    Process.Start info

/// Moving the kernel's pid cursor back makes pids of processes that just ended come back at once, so these run
/// alone, after every parallel test.
[<Tests>]
let reuse =
    testSequenced
    <| testList
        "commands process groups, reused pids"
        [
            testTask "the group kill after a command was reaped never reaches a new process group that reuses its pid"
            <| fun () ->
                task {
                    let canMoveCursor =
                        try
                            // Writing the cursor back where it is changes nothing, and tells whether it may be moved.
                            File.WriteAllText(lastPid, File.ReadAllText lastPid)
                            true
                        with
                        | :? UnauthorizedAccessException
                        | :? IOException -> false

                    if not canMoveCursor then
                        skiptest $"moving the kernel's pid cursor ({lastPid}) needs root in this pid namespace"

                    let mutable outcome = None
                    let mutable attempts = 0

                    // Another process on the machine may take the pid first: try again then.
                    while outcome.IsNone && attempts < 50 do
                        attempts <- attempts + 1
                        // A command that leads its own group and leaves nothing behind; it ends when its input closes.
                        use finished = startLeader "read -r _"
                        use leader = GroupLeader.Track finished
                        Expect.isTrue leader.Pinned "tracked through a pidfd while it runs"
                        finished.StandardInput.Close()
                        do! finished.WaitForExitAsync()
                        // It is reaped and its group is empty: the kernel may give its pid to the next process.
                        File.WriteAllText(lastPid, string (leader.Pid - 1))
                        use stranger = startLeader "read -r _; echo alive"

                        try
                            if stranger.Id = leader.Pid then
                                // The unrelated process now leads a group with the reaped command's pid: what the
                                // command's exit, a late cancellation or a cut-off pipe would kill must miss it.
                                leader.KillGroup()
                                leader.KillTree()
                                // A SIGKILL sent to it above is pending before it reads this line, so it never answers.
                                try
                                    stranger.StandardInput.WriteLine "go"
                                    stranger.StandardInput.Close()
                                with :? IOException ->
                                    // Already gone: the pipe is broken.
                                    ()

                                let! answer = stranger.StandardOutput.ReadLineAsync()
                                outcome <- Some answer
                        finally
                            if not stranger.HasExited then
                                stranger.Kill()

                            stranger.WaitForExit()

                    Expect.equal outcome (Some "alive") "the process that reuses the pid was not killed"
                }
        ]
