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

[<Tests>]
let tests =
    testList
        "commands launcher"
        [
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
