(**
---
title: Task sets, waiting and commands, executed
category: Executed examples
categoryindex: 2
index: 2
---

# Task sets, waiting and commands, executed

The code on this page runs when the site is built (`fsdocs build --eval`), against the library built from the same
commit; the output under each block is what it printed then.
*)
(*** condition: prepare ***)
#I "../samples/Futured.Example/bin/Debug/net10.0"
#r "Futured.FSharp.dll"
#r "CliWrap.dll"
(**
## `futured { }` with `and!`

`let! ... and! ...` starts every operand before awaiting any: here both tasks wait for one gate, so the block could not
finish if the second were started only after the first completed.
*)
open System
open System.Collections.Generic
open System.Threading.Tasks
open Futured

let both =
    futured {
        let gate = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

        let waitFor (name: string) =
            task {
                do! gate.Task
                return name
            }

        gate.SetResult()
        let! a = waitFor "first"
        and! b = waitFor "second"
        return a, b
    }

printfn "%A" (Futured.run both)
(*** include-output ***)

(**
## A task set with retries

Enumerating a `TaskSet` yields each task as it completes and includes tasks added meanwhile, so a failed task can be
re-added. `flaky k` fails its first `k % 3` attempts.
*)
let attempts = Dictionary<int, int>()

let flaky (key: int) =
    let attempt =
        lock attempts (fun () ->
            attempts[key] <- (if attempts.ContainsKey key then attempts[key] else 0) + 1
            attempts[key])

    if attempt <= key % 3 then
        Task.FromException<int>(InvalidOperationException $"attempt {attempt} of {key} failed")
    else
        Task.FromResult key

let retried =
    futured {
        // Which key a failed task was for, to try it again.
        let keyOf = Dictionary<Task<int>, int>(HashIdentity.Reference)

        let attempt key =
            let work = flaky key
            keyOf[work] <- key
            work

        use set = TaskSet.ofSeq [ for key in 1..5 -> attempt key ]
        let results = ResizeArray()
        let mutable retries = 0

        for finished in set do
            if finished.IsFaulted then
                retries <- retries + 1
                set.Add(attempt keyOf[finished])
            else
                results.Add finished.Result

        return List.sort (List.ofSeq results), retries
    }

let results, retries = Futured.run retried
printfn "results %A after %d retries" results retries
(*** include-output ***)

(**
## A waiting scope

`Waiting.run` awaits every task registered in its block and gives their results in registration order, whatever the
order in which they complete.
*)
let ordered =
    Waiting.run (fun scope ->
        futured {
            let slow =
                TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)

            scope.Add slow.Task
            scope.Add(Task.FromResult "fast")
            slow.SetResult "slow"
        })

printfn "%A" (Futured.run ordered)
(*** include-output ***)

(**
## Commands

A subprocess is a future too: awaiting a command gives its standard output, and `|||` pipes one into the next.
*)
let sevens =
    futured {
        let! count =
            command "seq" [ "1"; "1000" ]
            ||| command "grep" [ "7" ]
            ||| command "wc" [ "-l" ]

        return count.Trim()
    }

printfn "numbers up to 1000 with a 7 in them: %s" (Futured.run sevens)

try
    Futured.run (Command.run (Command.shell "echo 'no such file' >&2; exit 2"))
    |> ignore
with :? CommandException as e ->
    printfn "exit code %d: %s" e.ExitCode.Value (e.StandardError.Trim())
(*** include-output ***)
