module Futured.Benchmarks.Program

open BenchmarkDotNet.Running

/// Runs the benchmark classes of this assembly chosen on the command line (BenchmarkDotNet's own switches,
/// e.g. `--filter '*' --job short`).
[<EntryPoint>]
let main argv =
    BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(argv)
    |> ignore

    0
