/// A parent process for the tests: starts two workers, one of them busy in a call that never ends,
/// prints their process ids and waits to be killed.
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

[<EntryPoint>]
let main argv =
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
