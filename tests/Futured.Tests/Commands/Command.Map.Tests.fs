module Futured.Tests.CommandMap

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable

[<Tests>]
let tests =
    testList
        "commands map"
        [
            testTask "Futured.map over sleep commands yields their outputs in input order"
            <| fun () ->
                task {
                    let delays = [ "0.3"; "0"; "0.1"; "0" ]

                    let! outs =
                        toList (Futured.map (fun d -> Command.shell $"sleep {d}; echo {d}" |> Command.run) delays)

                    Expect.equal outs [ for d in delays -> d + "\n" ] "in input order"
                }

            testTask "a map bounded with MaxConcurrency = 2 never has more than 2 processes alive"
            <| fun () ->
                task {
                    let n = 6
                    let dir = tempDirectory ()
                    let started = Path.Combine(dir, "started")

                    try
                        // Each command records its pid, then blocks reading a FIFO until the test writes to it.
                        for i in 0 .. n - 1 do
                            do! command "mkfifo" [ Path.Combine(dir, $"gate{i}") ] |> Command.run :> Task

                        let blocked i =
                            Command.shell $"echo $$ >> started; read line < gate{i}; echo {i}:$line"
                            |> Command.withWorkingDirectory dir
                            |> Command.run

                        let release i =
                            Command.shell $"echo go > gate{i}"
                            |> Command.withWorkingDirectory dir
                            |> Command.run

                        let options =
                            { MapOptions.Default with
                                MaxConcurrency = Some 2
                            }

                        let e = (Futured.mapWith options blocked [ 0 .. n - 1 ]).GetAsyncEnumerator()
                        let mutable pending = e.MoveNextAsync().AsTask()

                        for i in 0 .. n - 1 do
                            let expected = min n (i + 2)

                            do!
                                eventually $"{expected} processes started" (fun () ->
                                    (pidsIn started).Length >= expected)

                            let pids = pidsIn started
                            Expect.equal pids.Length expected "no process started beyond the bound"
                            let live = pids |> List.filter alive
                            Expect.isLessThanOrEqual live.Length 2 "at most 2 processes alive"
                            Expect.equal live.Length (min 2 (n - i)) "the window is full"
                            let! _ = release i
                            let! moved = pending
                            Expect.isTrue moved "a result"
                            Expect.equal e.Current $"{i}:go\n" "in order, each its own output"
                            pending <- e.MoveNextAsync().AsTask()

                        let! moved = pending
                        Expect.isFalse moved "the end"
                        do! e.DisposeAsync()
                    finally
                        Directory.Delete(dir, true)
                }

            testTask
                "as completed with a deadline: finished commands first, then TimeoutException; the rest are cancelled"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let started = Path.Combine(dir, "started")

                    try
                        use cts = new CancellationTokenSource()

                        let options =
                            { MapOptions.Default with
                                Timeout = Some(TimeSpan.FromSeconds 5.0)
                            }

                        let sleep (d: string) =
                            Command.shell $"echo $$ >> started; exec sleep {d}"
                            |> Command.withWorkingDirectory dir
                            |> Command.withCancellation cts.Token
                            |> Command.run

                        let! items, failure =
                            collect (Futured.mapZipWith options sleep [ "300"; "0"; "300" ])

                        Expect.equal (items |> List.map fst) [ "0" ] "only the short one completed"

                        match failure with
                        | Some(:? TimeoutException) -> ()
                        | other -> failtestf "expected TimeoutException, got %A" other

                        // The deadline ends the stream, not the calls already started: their own token stops them.
                        let pids = pidsIn started
                        Expect.equal pids.Length 3 "all three started"
                        Expect.equal (pids |> List.filter alive).Length 2 "the two long ones still run"
                        cts.Cancel()
                        do! eventually "the long ones were killed" (fun () -> pids |> List.forall (alive >> not))
                    finally
                        Directory.Delete(dir, true)
                }
        ]
