module Futured.Orleans.Tests.Main

open System.Threading
open Expecto

[<EntryPoint>]
let main argv =
    // The functions of the fault tests block threads while they hold; the pool need not inject threads for them.
    ThreadPool.SetMinThreads(64, 64) |> ignore
    let result = runTestsInAssemblyWithCLIArgs [] argv

    if Cluster.shared.IsValueCreated then
        Cluster.shared.Value.Result.DisposeAsync().AsTask().GetAwaiter().GetResult()

    result
