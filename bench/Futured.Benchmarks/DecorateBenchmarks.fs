/// decorated beside the direct calls it replaces: a proxied interface call that runs a synchronous method
/// on the thread pool, against Task.Run of the same method.
module Futured.Benchmarks.Decorate

open System.Threading.Tasks
open BenchmarkDotNet.Attributes
open Futured

type Calculator() =
    member _.Add(a: int, b: int) = a + b

type ICalculatorAsync =
    abstract AddAsync: a: int * b: int -> Task<int>

[<MemoryDiagnoser>]
type DecoratedCalls() =
    let calculator = Calculator()
    let api = decorated<ICalculatorAsync, _> calculator

    [<Params(10_000)>]
    member val Calls = 0 with get, set

    [<Benchmark(Baseline = true)>]
    member this.TaskRun() : Task =
        Task.WhenAll(Array.init this.Calls (fun i -> Task.Run(fun () -> calculator.Add(i, 1))))

    [<Benchmark>]
    member this.Decorated() : Task =
        Task.WhenAll(Array.init this.Calls (fun i -> api.AddAsync(i, 1)))
