module Futured.Tests.DecorateValueTask

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

/// A synchronous class behind an interface of ValueTask-returning methods.
type Ledger() =
    let entries = ConcurrentQueue<string>()
    let mutable counts = 0
    member _.Entries = List.ofSeq entries
    member _.Counts = Volatile.Read &counts

    member _.Count(item: string) =
        Interlocked.Increment &counts |> ignore
        item.Length

    member _.Record(entry: string) : unit = entries.Enqueue entry
    member _.Fail(message: string) : int = raise (Boom message)
    member _.Break(message: string) : unit = raise (Boom message)
    member _.Wait(gate: Task<int>) : int = gate.GetAwaiter().GetResult()

type ILedgerAsync =
    abstract CountAsync: item: string * cancellationToken: CancellationToken -> ValueTask<int>
    abstract RecordAsync: entry: string -> ValueTask
    abstract FailAsync: message: string -> ValueTask<int>
    abstract BreakAsync: message: string -> ValueTask
    abstract WaitAsync: gate: Task<int> -> ValueTask<int>

/// Each way of decorating, with the executors it needs disposed afterwards.
let decorations: (string * (Ledger -> ILedgerAsync * IAsyncDisposable list)) list =
    [
        "decorated on the thread pool", (fun ledger -> decorated<ILedgerAsync, _> ledger, [])
        "decoratedOn a Threaded",
        (fun ledger ->
            let pool = new Threaded(2)
            decoratedOn<ILedgerAsync, _> pool ledger, [ pool :> IAsyncDisposable ])
        "decoratedOn an Asynced",
        (fun ledger ->
            let limiter = new Asynced(2)
            decoratedOn<ILedgerAsync, _> limiter ledger, [ limiter :> IAsyncDisposable ])
        "decoratedWith an executor per method",
        (fun ledger ->
            let pool = new Threaded(2)
            let limiter = new Asynced(2)

            decoratedWith<ILedgerAsync, _> [ "Count", pool; "Fail", pool; "Record", limiter ] (Some limiter) ledger,
            [ pool :> IAsyncDisposable; limiter ])
    ]

let disposeAll (executors: IAsyncDisposable list) =
    task {
        for executor in executors do
            do! executor.DisposeAsync()
    }

[<Tests>]
let tests =
    testList
        "decorated ValueTask methods"
        [
            for name, decorate in decorations do
                testTask
                    $"{name}: ValueTask and ValueTask<T> methods run the synchronous methods and give their results"
                <| fun () ->
                    task {
                        let ledger = Ledger()
                        let api, executors = decorate ledger
                        let! count = api.CountAsync("apple", CancellationToken.None)
                        do! api.RecordAsync "saved"
                        Expect.equal count 5 "the result of Count"
                        Expect.equal ledger.Entries [ "saved" ] "Record ran"
                        do! disposeAll executors
                    }

                testTask $"{name}: a ValueTask<T> call returns before the synchronous method finishes"
                <| fun () ->
                    task {
                        let api, executors = decorate (Ledger())

                        let gate =
                            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                        let call = api.WaitAsync gate.Task
                        Expect.isFalse call.IsCompleted "the call is still running"
                        gate.SetResult 7
                        let! result = call
                        Expect.equal result 7 "the method's result"
                        do! disposeAll executors
                    }

                testTask $"{name}: a fault of a ValueTask or ValueTask<T> method surfaces as the original exception"
                <| fun () ->
                    task {
                        let api, executors = decorate (Ledger())
                        let! failed = throwsExactly<Boom>((api.FailAsync "no value").AsTask())
                        let! broken = throwsExactly<Boom>((api.BreakAsync "no unit").AsTask())
                        Expect.equal failed.Message "no value" "the ValueTask<T> method's exception"
                        Expect.equal broken.Message "no unit" "the ValueTask method's exception"
                        do! disposeAll executors
                    }

            for name, create in
                [
                    "Threaded", (fun () -> new Threaded(1) :> IExecutor)
                    "Asynced", (fun () -> new Asynced(1) :> IExecutor)
                ] do
                testTask $"on a {name}, a ValueTask<T> call whose token is already cancelled never runs"
                <| fun () ->
                    task {
                        let executor = create ()
                        let counted = Ledger()
                        let api = decoratedOn<ILedgerAsync, _> executor counted
                        use cts = new CancellationTokenSource()
                        cts.Cancel()

                        let! _ =
                            throws<OperationCanceledException>((api.CountAsync("apple", cts.Token)).AsTask())

                        let! count = api.CountAsync("pear", CancellationToken.None)
                        Expect.equal count 4 "a later call runs"
                        Expect.equal counted.Counts 1 "the cancelled call never ran"
                        do! (executor :?> IAsyncDisposable).DisposeAsync()
                    }
        ]
