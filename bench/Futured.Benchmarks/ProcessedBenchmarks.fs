module Futured.Benchmarks.ProcessedBenchmarks

open System
open System.Diagnostics
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured

/// A trivial call: what is measured is the cost of crossing to a worker and back.
let increment (x: int) = x + 1

/// CPU-bound work of a few milliseconds.
let spin (n: int) =
    let mutable acc = 0L

    for i in 1..n do
        acc <- (acc * 31L + int64 i) % 1_000_000_007L

    acc

[<Literal>]
let Calls = 2000

/// `Futured.map` of small calls over 2 worker processes, per call, beside the direct call.
[<MemoryDiagnoser>]
type ProcessedMap() =
    let mutable pool: Processed = Unchecked.defaultof<_>
    let mutable call: int -> Task<int> = Unchecked.defaultof<_>

    [<GlobalSetup>]
    member _.Setup() =
        pool <- new Processed(2)
        call <- pool.Wrap increment
        // Both workers started and warm before measuring.
        Task.WhenAll([ for i in 1..200 -> call i ]).GetAwaiter().GetResult() |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true, OperationsPerInvoke = Calls)>]
    member _.DirectCall() =
        let mutable total = 0

        for i in 1..Calls do
            total <- total + increment i

        total

    [<Benchmark(OperationsPerInvoke = Calls)>]
    member _.MapOverTwoWorkers() =
        (Drain.sumBy id (Futured.map call (seq { 1..Calls }))).GetAwaiter().GetResult()

/// CPU-bound work spread over 2 worker processes beside the same work on one thread.
[<MemoryDiagnoser>]
type ProcessedCpu() =
    let mutable pool: Processed = Unchecked.defaultof<_>
    let mutable call: int -> Task<int64> = Unchecked.defaultof<_>
    let work = Array.create 8 20_000_000

    [<GlobalSetup>]
    member _.Setup() =
        pool <- new Processed(2)
        call <- pool.Wrap spin
        Task.WhenAll([ for _ in 1..4 -> call 1000 ]).GetAwaiter().GetResult() |> ignore

    [<GlobalCleanup>]
    member _.Cleanup() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true)>]
    member _.OneThread() = work |> Array.sumBy spin

    [<Benchmark>]
    member _.TwoWorkers() =
        (Task.WhenAll [ for n in work -> call n ]).GetAwaiter().GetResult() |> Array.sum

/// Starts this application the way a worker process is started (the same host, dependency file, runtime
/// configuration and entry assembly, with pipes for its standard streams) but with a startup hook that ends it at
/// once: a bare start of the same application, the floor of any worker's start.
let bareStart () : Task =
    task {
        let entry = Reflection.Assembly.GetEntryAssembly().Location
        let info = ProcessStartInfo(Environment.ProcessPath, UseShellExecute = false)

        if IO.Path.GetFileNameWithoutExtension Environment.ProcessPath = "dotnet" then
            let deps =
                match AppContext.GetData "APP_CONTEXT_DEPS_FILES" with
                | :? string as files when files <> "" -> files.Split(';')[0]
                | _ -> IO.Path.ChangeExtension(entry, ".deps.json")

            let config =
                deps.Substring(0, deps.Length - ".deps.json".Length) + ".runtimeconfig.json"

            for a in [ "exec"; "--depsfile"; deps; "--runtimeconfig"; config; entry ] do
                info.ArgumentList.Add a

        info.RedirectStandardInput <- true
        info.RedirectStandardOutput <- true
        info.RedirectStandardError <- true
        info.Environment["DOTNET_STARTUP_HOOKS"] <- typeof<StartupHook>.Assembly.Location
        info.Environment["FUTURED_BENCH_BARE_START"] <- "1"
        use p = Process.Start info
        do! p.WaitForExitAsync()

        if p.ExitCode <> 0 then
            failwithf "the bare start exited with %d: %s" p.ExitCode (p.StandardError.ReadToEnd())
    }

/// A pool's start and first call (one worker process started, the call made, the pool disposed), beside a bare
/// start of the same application (DESIGN: at most 2x).
[<MemoryDiagnoser>]
type ProcessedStartup() =

    [<Benchmark(Baseline = true)>]
    member _.BareDotnetStart() = bareStart().GetAwaiter().GetResult()

    [<Benchmark>]
    member _.PoolFirstCall() =
        use pool = new Processed(1)
        (pool.Wrap increment 1).GetAwaiter().GetResult()

    /// The same with the worker prestarted at construction: the constructor returns before the worker is ready,
    /// so an immediate first call gains nothing; the case shows that prestart costs nothing either.
    [<Benchmark>]
    member _.PrestartedPoolFirstCall() =
        use pool = new Processed(1, prestart = true)
        (pool.Wrap increment 1).GetAwaiter().GetResult()

/// The first call to a pool prestarted half a second earlier (its worker started and warmed up meanwhile), beside
/// a bare start of the same application: what prestart gives a caller that creates its pool ahead of the work.
/// One invocation per iteration, each with a new pool made (and disposed) outside the measurement.
[<MemoryDiagnoser; InvocationCount(1)>]
type PrestartedFirstCall() =
    let mutable pool: Processed = Unchecked.defaultof<_>

    [<IterationSetup(Target = "FirstCallToPrestartedPool")>]
    member _.Prestart() =
        pool <- new Processed(1, prestart = true)
        // Time for the worker to start and warm up; not measured.
        Threading.Thread.Sleep 500

    [<IterationCleanup(Target = "FirstCallToPrestartedPool")>]
    member _.Dispose() = (pool :> IDisposable).Dispose()

    [<Benchmark(Baseline = true)>]
    member _.BareDotnetStart() = bareStart().GetAwaiter().GetResult()

    [<Benchmark>]
    member _.FirstCallToPrestartedPool() =
        (pool.Wrap increment 1).GetAwaiter().GetResult()

/// What forked does per value.
let nothing (_: int) = ()

/// forked over 8 values, 2 at once (a child process per value), per value, beside 8 bare starts of the same
/// application, 2 at once (the target: at most 1.3x).
[<MemoryDiagnoser>]
type ForkedStartup() =

    [<Literal>]
    let Values = 8

    [<Benchmark(Baseline = true, OperationsPerInvoke = 8)>]
    member _.BareDotnetStartTwoAtOnce() =
        (task {
            let mutable running = []

            for _ in 1..Values do
                if List.length running = 2 then
                    let! finished = Task.WhenAny(running)
                    do! finished
                    running <- running |> List.filter (fun t -> not (obj.ReferenceEquals(t, finished)))

                running <- bareStart () :: running

            do! Task.WhenAll running
        })
            .GetAwaiter()
            .GetResult()

    [<Benchmark(OperationsPerInvoke = 8)>]
    member _.ForkedTwoAtOnce() =
        (forked 2 nothing [ 1..Values ]).GetAwaiter().GetResult()
