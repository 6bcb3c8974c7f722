module Futured.Tests.CommandPipe

open System
open Expecto
open global.Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "commands pipe"
        [
            testTask "a pipe of three stages streams seq through grep into wc"
            <| fun () ->
                task {
                    let! out =
                        command "seq" [ "1"; "10000" ]
                        |> Command.pipe (command "grep" [ "7" ])
                        |> Command.pipe (command "wc" [ "-l" ])

                    let expected =
                        [ 1..10000 ] |> List.filter (fun i -> (string i).Contains '7') |> List.length

                    Expect.equal (out.Trim()) (string expected) "lines containing 7"
                }

            testTask "the ||| operator pipes like Command.pipe"
            <| fun () ->
                task {
                    let! out =
                        command "echo" [ "b\na" ]
                        ||| command "sort" []
                        ||| command "tr" [ "a-z"; "A-Z" ]

                    Expect.equal out "A\nB\n" "sorted, upper-cased"
                }

            testTask "a failing first stage raises its own CommandException with its standard error"
            <| fun () ->
                task {
                    let! e =
                        Command.shell "echo first-stage-broke >&2; exit 4"
                        ||| command "cat" []
                        ||| command "wc" [ "-c" ]
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.equal e.ExitCode (Nullable 4) "the first stage's code"
                    Expect.equal e.StandardError "first-stage-broke\n" "the first stage's standard error"
                }

            testTask "a failing last stage raises with its own standard error while the others succeed"
            <| fun () ->
                task {
                    let! e =
                        command "echo" [ "x" ]
                        ||| Command.shell "cat >/dev/null; echo last-stage-broke >&2; exit 5"
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.equal e.ExitCode (Nullable 5) "the last stage's code"
                    Expect.equal e.StandardError "last-stage-broke\n" "its standard error"
                }

            testTask "an endless first stage cut off by a stage that stops reading is not a failure"
            <| fun () ->
                task {
                    let! out = command "yes" [ "futured" ] ||| command "head" [ "-n"; "2" ]
                    Expect.equal out "futured\nfutured\n" "head's output; yes was stopped"
                }

            testTask "a stage that is not found fails the pipeline before any process starts"
            <| fun () ->
                task {
                    let! e =
                        command "futured-missing-stage" [] ||| command "wc" [ "-l" ]
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.stringContains e.Message "'futured-missing-stage' was not found" "named"
                }

            testTask "a pipe carries binary data unchanged"
            <| fun () ->
                task {
                    let data = Array.init 300000 (fun i -> byte (i * 7 % 256))

                    let! out =
                        command "cat" [] |> Command.withInputBytes data ||| command "cat" []
                        |> Command.runBytes

                    Expect.equal out data "every byte"
                }
        ]
