namespace Futured.Benchmarks

open System
open System.Text
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open CliWrap
open Futured

/// 200 runs of `true`, one after another (the Mean is per command): Futured's Command (in its own process group, stdout collected,
/// stderr kept) beside CliWrap's ExecuteAsync on the same program, alone (the baseline: no process group).
[<MemoryDiagnoser>]
type CommandBenchmarks() =

    [<Benchmark(Baseline = true, OperationsPerInvoke = 200)>]
    member _.CliWrapExecuteAsync200() : Task =
        task {
            for _ in 1..200 do
                let! _ = Cli.Wrap("true").ExecuteAsync()
                ()
        }

    /// What CliWrap costs for the same process group through setsid(1) (one more exec, of a dynamically linked
    /// program), which is how Futured started every command before its in-memory launcher.
    [<Benchmark(OperationsPerInvoke = 200, Description = "reference: CliWrap through setsid(1)")>]
    member _.CliWrapThroughSetsid200() : Task =
        task {
            for _ in 1..200 do
                let! _ = Cli.Wrap("setsid").WithArguments([ "true" ]).ExecuteAsync()
                ()
        }

    [<Benchmark(OperationsPerInvoke = 200)>]
    member _.CommandRun200() : Task =
        task {
            for _ in 1..200 do
                let! _ = command "true" [] |> Command.run
                ()
        }

/// 200 runs of `true` all started at once and taken in order (the Mean is per command): Futured.map over Command.run beside CliWrap's
/// ExecuteAsync started for every item and awaited in order (the baseline: no process group).
[<MemoryDiagnoser>]
type CommandMapBenchmarks() =

    let items = [| 1..200 |]

    [<Benchmark(Baseline = true, OperationsPerInvoke = 200)>]
    member _.CliWrapAll200() : Task =
        task {
            let running = items |> Array.map (fun _ -> Cli.Wrap("true").ExecuteAsync().Task)

            for run in running do
                let! _ = run
                ()
        }

    [<Benchmark(OperationsPerInvoke = 200)>]
    member _.CommandMap200() : Task<int64> =
        Drain.sumBy String.length (Futured.map (fun (_: int) -> command "true" [] |> Command.run) items)

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
