/// Reads the process table (/proc) so that command tests can check, by pid, which processes are alive.
module Futured.Tests.ProcessTable

open System
open System.IO
open System.Threading.Tasks
open Expecto
open Futured.Tests.Support

/// The state letter and the process group of a process, or None when it is gone.
let stat (pid: int) : (string * int) option =
    try
        let text = File.ReadAllText $"/proc/{pid}/stat"
        // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
        let fields = text.Substring(text.LastIndexOf ')' + 2).Split ' '
        Some(fields[0], int fields[2])
    with
    | :? IOException
    | :? UnauthorizedAccessException -> None

/// Whether a process exists and is not a zombie (a zombie has exited and only waits to be reaped).
let alive (pid: int) =
    match stat pid with
    | Some(state, _) -> state <> "Z"
    | None -> false

/// The live processes whose process group is pgid.
let groupMembers (pgid: int) =
    Directory.GetDirectories "/proc"
    |> Array.choose (fun dir ->
        match Int32.TryParse(Path.GetFileName dir) with
        | true, pid ->
            match stat pid with
            | Some(state, group) when group = pgid && state <> "Z" -> Some pid
            | _ -> None
        | _ -> None)
    |> List.ofArray

/// Polls, a little apart, until the condition holds (a process killed now is gone a moment later);
/// fails after <c>bound</c>.
let eventuallyWithin (bound: TimeSpan) (what: string) (condition: unit -> bool) : Task =
    task {
        let clock = Diagnostics.Stopwatch.StartNew()

        while not (condition ()) do
            if clock.Elapsed > bound then
                failtestf "gave up waiting for: %s" what

            do! Task.Delay 20
    }

/// Polls until the condition holds; fails after the generous bound. The processes these tests expect
/// to be killed would otherwise live far longer (300 s).
let eventually what condition =
    eventuallyWithin generous what condition

/// A fresh empty directory under the temporary directory.
let tempDirectory () =
    let path =
        Path.Combine(Path.GetTempPath(), "futured-tests-" + Guid.NewGuid().ToString "N")

    Directory.CreateDirectory path |> ignore
    path

/// Reads the whitespace-separated integers a script wrote to a file (empty when it does not exist yet).
let pidsIn (file: string) =
    if File.Exists file then
        (File.ReadAllText file).Split([| ' '; '\n' |], StringSplitOptions.RemoveEmptyEntries)
        |> Array.map int
        |> List.ofArray
    else
        []

/// The test helper program that plays a parent process: its path beside this test assembly's output.
let parentProgramPath () =
    let here = AppContext.BaseDirectory
    let sep = string Path.DirectorySeparatorChar

    let dir =
        here.Replace($"{sep}Futured.Tests{sep}bin{sep}", $"{sep}Futured.Tests.Parent{sep}bin{sep}")

    Path.Combine(dir, "Futured.Tests.Parent.dll")
