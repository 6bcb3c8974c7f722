module Futured.Tests.CommandLauncher

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable
open Futured.Internal

/// Writes the launcher's executable image to a file of a fresh directory, so that it can be started on its own.
let private launcherFile () =
    let dir = tempDirectory ()
    let file = Path.Combine(dir, "launcher")
    File.WriteAllBytes(file, GroupLauncher.image ())
    File.SetUnixFileMode(file, UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)
    dir, file

/// Runs a program with arguments and gives its exit code and standard error.
let private runDirect (program: string) (arguments: string list) =
    let info =
        ProcessStartInfo(program, UseShellExecute = false, RedirectStandardError = true)

    for a in arguments do
        info.ArgumentList.Add a

    use p = Process.Start info
    let stderr = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, stderr

let private onLinuxX64 =
    OperatingSystem.IsLinux()
    && RuntimeInformation.ProcessArchitecture = Architecture.X64

/// Runs the tests' parent program in its --command-group mode, with FUTURED_COMMAND_LAUNCHER set to the value
/// (or unset for null): whether the program held the in-memory launcher, and the command shell's pid and group.
let private commandGroupIn (switch: string) =
    let info =
        ProcessStartInfo("dotnet", UseShellExecute = false, RedirectStandardOutput = true)

    info.ArgumentList.Add(parentProgramPath ())
    info.ArgumentList.Add "--command-group"
    info.Environment[GroupLauncher.switchVariable] <- switch
    use p = Process.Start info

    let lines =
        p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)

    p.WaitForExit()
    Expect.equal p.ExitCode 0 "the program ran its command"

    let value (key: string) =
        (lines |> Array.find (fun l -> l.StartsWith(key + " "))).Substring(key.Length + 1)

    let pid, group =
        match value "group" with
        | g -> let parts = g.Split ' ' in int parts[0], int parts[1]

    bool.Parse(value "launcher"), pid, group

[<Tests>]
let tests =
    testList
        "commands launcher"
        [
            test
                "FUTURED_COMMAND_LAUNCHER=setsid turns the in-memory launcher off, and the command still leads its group" {
                let launcher, pid, group = commandGroupIn "setsid"
                Expect.isFalse launcher "no launcher held in memory"
                Expect.equal group pid "the command leads its own process group"
                let launcherByDefault, pid, group = commandGroupIn null
                Expect.isTrue launcherByDefault "the launcher, without the switch"
                Expect.equal group pid "the command leads its own process group"
            }

            test "only the value setsid, in any case and spacing, turns the launcher off" {
                for value in [ "setsid"; "SETSID"; " setsid " ] do
                    Expect.isTrue (GroupLauncher.wantsSetsid value) value

                for value in [ null; ""; "memfd"; "no"; "setsid1" ] do
                    Expect.isFalse (GroupLauncher.wantsSetsid value) (string value)
            }

            testCase "on Linux x86-64 commands start through the in-memory launcher, not setsid(1)"
            <| fun () ->
                if onLinuxX64 then
                    match GroupLauncher.path.Value with
                    | Some path ->
                        Expect.stringStarts path "/proc/self/fd/" "the launcher is a descriptor of this process"
                    | None -> failtest "the launcher should be usable on Linux x86-64"

            testTask "a command's arguments, empty and spaced ones included, reach the program unchanged"
            <| fun () ->
                task {
                    let! out = command "printf" [ "[%s]"; ""; "a b"; "é"; "--"; "-x" ] |> Command.run
                    Expect.equal out "[][a b][é][--][-x]" "every argument arrives as given"
                }

            testTask "a command's environment reaches the program"
            <| fun () ->
                task {
                    let! out =
                        command "sh" [ "-c"; "printf %s \"$FUTURED_LAUNCHER_TEST\"" ]
                        |> Command.withEnvironment [ "FUTURED_LAUNCHER_TEST", "set by the test" ]
                        |> Command.run

                    Expect.equal out "set by the test" "the variable arrives"
                }

            testTask "an executable script without #! runs through /bin/sh with its arguments, as execvp runs it"
            <| fun () ->
                task {
                    let dir = tempDirectory ()

                    try
                        let script = Path.Combine(dir, "no-shebang")
                        File.WriteAllText(script, "printf '%s,' \"$@\"; echo $$ >/dev/null\n")

                        File.SetUnixFileMode(
                            script,
                            UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute
                        )

                        let! out = command script [ "one"; "two words" ] |> Command.run
                        Expect.equal out "one,two words," "the script ran with its arguments"
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "a script without #! started through the launcher still leads its own process group"
            <| fun () ->
                task {
                    let dir = tempDirectory ()

                    try
                        let script = Path.Combine(dir, "no-shebang")
                        File.WriteAllText(script, "echo $$ $$; cut -d' ' -f5,6 /proc/$$/stat\n")

                        File.SetUnixFileMode(
                            script,
                            UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute
                        )

                        let! out = command script [] |> Command.run
                        let lines = out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                        Expect.equal lines[1] lines[0] "process group = session = pid"
                    finally
                        Directory.Delete(dir, true)
                }

            testCase "the launcher with no command exits 0"
            <| fun () ->
                if onLinuxX64 then
                    let dir, file = launcherFile ()

                    try
                        let code, stderr = runDirect file []
                        Expect.equal code 0 "exit code"
                        Expect.equal stderr "" "nothing on standard error"
                    finally
                        Directory.Delete(dir, true)

            testCase "the launcher runs nothing and exits 127 when it cannot make the command lead a session"
            <| fun () ->
                if onLinuxX64 then
                    let dir, file = launcherFile ()

                    try
                        let marker = Path.Combine(dir, "ran")
                        // Started by setsid(1), the launcher already leads a session, so its own setsid fails.
                        let code, stderr =
                            runDirect ProcessGroup.setsid.Value.Value [ file; "/bin/sh"; "-c"; $"touch '{marker}'" ]

                        Expect.equal code 127 "exit code"
                        Expect.stringContains stderr "could not be started in a process group" "the reason"
                        Expect.isFalse (File.Exists marker) "the command never ran outside a group of its own"
                    finally
                        Directory.Delete(dir, true)

            testCase "the launcher exits 127 with a message when the program cannot be executed"
            <| fun () ->
                if onLinuxX64 then
                    let dir, file = launcherFile ()

                    try
                        let code, stderr = runDirect file [ Path.Combine(dir, "missing") ]
                        Expect.equal code 127 "exit code"
                        Expect.stringContains stderr "could not be started" "the reason"
                    finally
                        Directory.Delete(dir, true)
        ]
