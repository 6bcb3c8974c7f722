module Futured.Tests.CommandLines

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable

[<Tests>]
let tests =
    testList
        "commands lines"
        [
            testTask "lines yields every line of seq, without line ends"
            <| fun () ->
                task {
                    let! items = toList (command "seq" [ "1"; "500" ] |> Command.lines)
                    Expect.equal items [ for i in 1..500 -> string i ] "every line"
                }

            testTask "the first line arrives while the process still runs; cancelling then kills its group"
            <| fun () ->
                task {
                    use cts = new CancellationTokenSource()
                    // Prints its pid (its process group), then waits far longer than the test may take.
                    let script = Command.shell "echo $$; sleep 300 & sleep 300"
                    let e = (Command.lines script).GetAsyncEnumerator cts.Token
                    let! first = next e
                    let group = int first
                    Expect.isTrue (alive group) "the process is still running when its first line arrives"
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException>(e.MoveNextAsync().AsTask())
                    do! e.DisposeAsync()
                    do! eventually "no process of the group survives" (fun () -> List.isEmpty (groupMembers group))
                }

            testTask "disposing the enumerator early kills the process group"
            <| fun () ->
                task {
                    let e = (Command.lines (Command.shell "echo $$; sleep 300")).GetAsyncEnumerator()
                    let! first = next e
                    do! e.DisposeAsync()

                    do!
                        eventually "no process of the group survives" (fun () ->
                            List.isEmpty (groupMembers (int first)))
                }

            testTask "lines ends when the process exits even if a grandchild still holds the pipe"
            <| fun () ->
                task {
                    // The background sleep inherits standard output and would hold it open for 300 s.
                    let reading =
                        toList (Command.lines (Command.shell "sleep 300 & echo $!; echo done"))

                    let! items = reading.WaitAsync generous
                    Expect.equal items.Length 2 "both lines"
                    Expect.equal items[1] "done" "then the stream ended"
                    do! eventually "the grandchild was killed with its command" (fun () -> not (alive (int items[0])))
                }

            testTask "lines raises the CommandException after the lines when the process fails"
            <| fun () ->
                task {
                    let! items, failure =
                        collect (Command.lines (Command.shell "echo a; echo b; echo bad >&2; exit 2"))

                    Expect.equal items [ "a"; "b" ] "the lines first"

                    match failure with
                    | Some(:? CommandException as e) ->
                        Expect.equal e.ExitCode (Nullable 2) "code"
                        Expect.equal e.StandardError "bad\n" "stderr"
                    | other -> failtestf "expected a CommandException, got %A" other
                }

            testTask "lines is cold: each enumeration is a new run"
            <| fun () ->
                task {
                    let pids = Command.lines (Command.shell "echo $$")
                    let! first = toList pids
                    let! second = toList pids
                    Expect.notEqual first second "two processes"
                }

            testTask "lines of a pipeline stream through every stage"
            <| fun () ->
                task {
                    let! items =
                        toList (command "seq" [ "1"; "5" ] ||| command "sed" [ "s/^/n/" ] |> Command.lines)

                    Expect.equal items [ "n1"; "n2"; "n3"; "n4"; "n5" ] "transformed lines"
                }
        ]
