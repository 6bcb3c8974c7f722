/// The README's Commands example: its lines between `let example () =` and the final tuple are the
/// README block, indented one level.
module Futured.Tests.CommandReadme

open System
open Expecto
open global.Futured

let example () =
    let example =
        task {
            // Awaiting a command gives its standard output.
            let! greeting = command "echo" [ "hello" ]

            // Pipes stream: stdout of each stage feeds stdin of the next.
            let! sevens =
                command "seq" [ "1"; "1000" ]
                |> Command.pipe (command "grep" [ "7" ])
                |> Command.pipe (command "wc" [ "-l" ])

            let! sorted = command "printf" [ "b\\na\\n" ] ||| command "sort" []

            // Options, each returning a new command; a timeout kills the whole process group.
            let! script =
                Command.shell "echo \"$GREETING from $(pwd)\""
                |> Command.withWorkingDirectory "/tmp"
                |> Command.withEnvironment [ "GREETING", "hi" ]
                |> Command.withTimeout (TimeSpan.FromSeconds 30.0)
                |> Command.run

            // Failures carry the exit code and standard error.
            let! failure =
                task {
                    try
                        let! _ = Command.shell "echo 'no such file' >&2; exit 2"
                        return "succeeded"
                    with :? CommandException as e ->
                        return $"{e.ExitCode.Value}: {e.StandardError.Trim()}"
                }

            return greeting, sevens, sorted, script, failure
        }

    let greeting, sevens, sorted, script, failure = Futured.run example

    // Lines as the process writes them (an IAsyncEnumerable<string>), here through the sync bridge.
    let lines = Command.lines (command "seq" [ "3" ]) |> Futured.iter |> List.ofSeq

    // Many commands with the map family, at most 2 processes at a time, results in input order.
    let outputs =
        Futured.mapWith
            { MapOptions.Default with
                MaxConcurrency = Some 2
            }
            (fun d -> Command.shell $"sleep {d}; echo {d}" |> Command.run)
            [ "0.2"; "0"; "0.1" ]
        |> Futured.iter
        |> List.ofSeq

    printfn "%s%s%s" greeting sevens failure // hello, 271, 2: no such file
    greeting, sevens, sorted, script, failure, lines, outputs

[<Tests>]
let tests =
    testList
        "commands readme"
        [
            testCase "the README's Commands example runs and gives what it says"
            <| fun () ->
                let greeting, sevens, sorted, script, failure, lines, outputs = example ()
                Expect.equal greeting "hello\n" "greeting"
                Expect.equal (sevens.Trim()) "271" "numbers up to 1000 containing a 7"
                Expect.equal sorted "a\nb\n" "sorted"
                Expect.equal script "hi from /tmp\n" "script"
                Expect.equal failure "2: no such file" "failure"
                Expect.equal lines [ "1"; "2"; "3" ] "lines"
                Expect.equal outputs [ "0.2\n"; "0\n"; "0.1\n" ] "in input order"
        ]
