/// Blocking calls, the work `threaded` and `Threaded` exist for: 64 calls that each block their thread for
/// 100 ms, beside the ideal for the same bound, dedicated threads started for the run.
module Futured.Benchmarks.Blocking

open System
open System.Threading
open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured

/// The number of blocking calls in each run.
[<Literal>]
let Calls = 64

/// How long each call blocks its thread.
[<Literal>]
let BlockMs = 100

let private block (_: int) = Thread.Sleep BlockMs

/// The ideal for `bound` threads: `bound` dedicated threads started for the run, each making its share of
/// the calls one after another, so the run takes ⌈Calls / bound⌉ × 100 ms plus the threads' start.
let ideal (bound: int) =
    let threads =
        [|
            for j in 0 .. bound - 1 ->
                Thread(fun () ->
                    for call in j..bound .. Calls - 1 do
                        block call)
        |]

    for t in threads do
        t.Start()

    for t in threads do
        t.Join()

/// 64 blocking calls through a new `Threaded(32)`, against 32 dedicated threads making 2 calls each (200 ms).
type BlockingCalls() =

    [<Benchmark(Baseline = true, Description = "32 dedicated threads, 2 calls each")>]
    member _.Ideal() = ideal 32

    [<Benchmark(Description = "new Threaded(32)")>]
    member _.Threaded32() : Task =
        task {
            let pool = new Threaded(32)
            let call = pool.Wrap block
            let! _ = Task.WhenAll [| for i in 1..Calls -> call i |]
            do! pool.DisposeAsync()
        }

/// 64 blocking calls through a new `threaded` wrapper, whose bound is min(32, ProcessorCount + 4), against
/// that many dedicated threads making ⌈64 / bound⌉ calls each.
type BlockingCallsThreaded() =
    let bound = min 32 (Environment.ProcessorCount + 4)

    [<Benchmark(Baseline = true, Description = "min(32, cores + 4) dedicated threads")>]
    member _.Ideal() = ideal bound

    [<Benchmark(Description = "threaded")>]
    member _.Threaded() : Task =
        let call = threaded block
        Task.WhenAll [| for i in 1..Calls -> call i |]
