namespace Futured.Benchmarks

open System.Text
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open CliWrap
open Futured

/// 200 runs of `true`, one after another: Futured's Command (through setsid, in its own process group,
/// stdout collected, stderr kept) beside CliWrap's ExecuteAsync on the same program.
[<MemoryDiagnoser>]
type CommandBenchmarks() =

    [<Benchmark(Baseline = true)>]
    member _.CliWrapExecuteAsync200() : Task =
        task {
            for _ in 1..200 do
                let! _ = Cli.Wrap("true").ExecuteAsync()
                ()
        }

    /// What CliWrap costs for the same process group (one more exec, of setsid), for comparison.
    [<Benchmark>]
    member _.CliWrapThroughSetsid200() : Task =
        task {
            for _ in 1..200 do
                let! _ = Cli.Wrap("setsid").WithArguments([ "true" ]).ExecuteAsync()
                ()
        }

    [<Benchmark>]
    member _.CommandRun200() : Task =
        task {
            for _ in 1..200 do
                let! _ = command "true" [] |> Command.run
                ()
        }

/// 100 MB through a two-stage pipe: stdout of `head` streams into stdin of `wc`, so the allocations stay far
/// below the data size. Beside CliWrap's own `|` pipe of the same commands.
[<MemoryDiagnoser>]
type CommandPipeBenchmarks() =

    [<Benchmark(Baseline = true)>]
    member _.CliWrapPipe100MB() : Task<string> =
        task {
            let out = StringBuilder()

            let pipeline =
                Cli.Wrap("head").WithArguments([ "-c"; "100M"; "/dev/zero" ])
                |> fun head -> CliWrap.Command.op_BitwiseOr (head, Cli.Wrap("wc").WithArguments([ "-c" ]))
                |> fun p -> p.WithStandardOutputPipe(PipeTarget.ToStringBuilder out)

            let! _ = pipeline.ExecuteAsync()
            return out.ToString()
        }

    /// CliWrap's pipe with each stage started through setsid, as Futured starts them, for comparison.
    [<Benchmark>]
    member _.CliWrapPipeThroughSetsid100MB() : Task<string> =
        task {
            let out = StringBuilder()

            let pipeline =
                Cli.Wrap("setsid").WithArguments([ "head"; "-c"; "100M"; "/dev/zero" ])
                |> fun head -> CliWrap.Command.op_BitwiseOr (head, Cli.Wrap("setsid").WithArguments([ "wc"; "-c" ]))
                |> fun p -> p.WithStandardOutputPipe(PipeTarget.ToStringBuilder out)

            let! _ = pipeline.ExecuteAsync()
            return out.ToString()
        }

    [<Benchmark>]
    member _.CommandPipe100MB() : Task<string> =
        command "head" [ "-c"; "100M"; "/dev/zero" ]
        |> Command.pipe (command "wc" [ "-c" ])
        |> Command.run
