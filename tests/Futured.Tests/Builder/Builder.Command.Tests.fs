module Futured.Tests.BuilderCommand

open Expecto
open global.Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "futured binds commands"
        [
            testTask "let! on a command gives its standard output"
            <| fun () ->
                futured {
                    let! out = command "echo" [ "bound" ]
                    Expect.equal out "bound\n" "the command's standard output"
                }

            testTask "and! runs two commands concurrently and gives both outputs"
            <| fun () ->
                futured {
                    // Each side waits for the other's marker file, so they can only both finish if both run at once.
                    let dir = System.IO.Directory.CreateTempSubdirectory().FullName

                    let! a =
                        Command.shell $"touch {dir}/ax; while [ ! -e {dir}/bx ]; do sleep 0.01; done; echo a"
                        |> Command.withTimeout generous

                    and! b =
                        Command.shell $"touch {dir}/bx; while [ ! -e {dir}/ax ]; do sleep 0.01; done; echo b"
                        |> Command.withTimeout generous

                    System.IO.Directory.Delete(dir, true)
                    Expect.equal (a, b) ("a\n", "b\n") "both outputs"
                }
        ]
