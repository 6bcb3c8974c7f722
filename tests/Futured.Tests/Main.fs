module Futured.Tests.Main

open Expecto

[<EntryPoint>]
let main argv =
    // Every test module registers itself with [<Tests>]; the summary line is what .ci/run reads.
    runTestsInAssemblyWithCLIArgs [] argv
