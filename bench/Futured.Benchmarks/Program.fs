module Futured.Benchmarks.Program

open BenchmarkDotNet.Columns
open BenchmarkDotNet.Configs
open BenchmarkDotNet.Running

/// Runs the benchmark classes of this assembly chosen on the command line (BenchmarkDotNet's own switches,
/// e.g. `--filter '*' --job short`). Reports carry a Baseline column so that bench/report.fsx can tell
/// each case from the baseline it is measured against.
[<EntryPoint>]
let main argv =
    let config =
        ManualConfig.Create(DefaultConfig.Instance).AddColumn(BaselineColumn.Default)

    BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(argv, config)
    |> ignore

    0
