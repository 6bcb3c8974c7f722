/// A parent process for the tests: starts two workers, one of them busy in a call that never ends,
/// prints their process ids and waits to be killed. With "--entry-values" it instead prints what a worker
/// computes from top-level values of this file, the application's entry file.
module Futured.Tests.Parent.Program

open System
open System.IO
open System.Threading
open Futured

let processId () = Environment.ProcessId

/// Writes the worker's pid to the file, then never returns.
let hang (path: string) : int =
    File.WriteAllText(path + ".tmp", string Environment.ProcessId)
    File.Move(path + ".tmp", path)
    Thread.Sleep Timeout.Infinite
    0

/// Top-level values of the entry file, computed at run time.
let entryWords =
    String.Join("-", [| "entry"; "file"; string (Environment.ProcessorCount * 0 + 7) |])

let entryTable = dict [ 1, "one"; 2, "two" ]

/// Reads the top-level values in whatever process it runs in.
let describeEntryValues (key: int) =
    $"{entryWords} {entryTable[key]} in {Environment.ProcessId}"

[<EntryPoint>]
let main argv =
    if argv[0] = "--command-group" then
        // A command's shell prints its pid and its process group (field 5 of /proc/<pid>/stat), then this process
        // says whether it holds the in-memory launcher (a memfd named futured-setsid) it starts commands through.
        let out =
            (Command.shell "echo $$ $(cut -d' ' -f5 /proc/$$/stat)" |> Command.run).GetAwaiter().GetResult()

        printfn "group %s" (out.Trim())

        let holdsLauncher =
            Directory.GetFiles "/proc/self/fd"
            |> Array.exists (fun fd ->
                try
                    (string (FileInfo(fd).LinkTarget)).Contains "futured-setsid"
                with _ ->
                    false)

        printfn "launcher %b" holdsLauncher
        exit 0

    if argv[0] = "--entry-values" then
        use pool = new Processed(1)
        printfn "parent %d" Environment.ProcessId
        printfn "worker %s" ((pool.Wrap describeEntryValues 2).GetAwaiter().GetResult())
        exit 0

    let pidFile = argv[0]
    let pool = new Processed(2)
    let busy = pool.Wrap hang pidFile

    while not (File.Exists pidFile) do
        if busy.IsFaulted then
            raise busy.Exception

        Thread.Sleep 10

    printfn "worker %s" (File.ReadAllText pidFile)
    printfn "worker %d" ((pool.Wrap processId ()).GetAwaiter().GetResult())
    printfn "ready"
    Console.Out.Flush()
    Thread.Sleep Timeout.Infinite
    0
