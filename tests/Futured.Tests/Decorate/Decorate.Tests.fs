module Futured.Tests.Decorate

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

/// A synchronous class, the target of decoration.
type Store() =
    let log = ConcurrentQueue<string>()
    let mutable adds = 0
    member _.Log = List.ofSeq log
    member _.Adds = Volatile.Read &adds

    member _.Add(a: int, b: int) =
        Interlocked.Increment &adds |> ignore
        a + b

    member _.Greet(name: string) = "hello " + name
    member _.Record(entry: string) : unit = log.Enqueue entry
    member _.Fail(message: string) : int = raise (Boom message)
    member _.Wait(gate: Task<int>) : int = gate.GetAwaiter().GetResult()
    member _.Check(cancellationToken: CancellationToken) = cancellationToken.CanBeCanceled
    member _.Parse(text: string) : Uri = Uri text

type IStoreAsync =
    abstract AddAsync: a: int * b: int -> Task<int>
    abstract Greet: name: string -> Task<string>
    abstract RecordAsync: entry: string -> Task
    abstract FailAsync: message: string -> Task<int>
    abstract WaitAsync: gate: Task<int> -> Task<int>
    abstract CheckAsync: cancellationToken: CancellationToken -> Task<bool>
    /// Task<obj> accepts a method returning a more specific type.
    abstract ParseAsync: text: string -> Task<obj>

type ICancellableAddAsync =
    abstract AddAsync: a: int * b: int * cancellationToken: CancellationToken -> Task<int>

type internal IInternalAsync =
    abstract AddAsync: a: int * b: int -> Task<int>

type IBaseAsync =
    abstract AddAsync: a: int * b: int -> Task<int>

type IDerivedAsync =
    inherit IBaseAsync
    abstract GreetAsync: name: string -> Task<string>

type IMissingAsync =
    abstract FetchAsync: id: int -> Task<int>

type IWrongParametersAsync =
    abstract AddAsync: a: string * b: int -> Task<int>

type IWrongReturnAsync =
    abstract GreetAsync: name: string -> Task<int>

type INotTaskAsync =
    abstract Add: a: int * b: int -> int

type IVoidForValueAsync =
    abstract RecordAsync: entry: string -> Task<int>

type IManyMismatchesAsync =
    abstract AddAsync: a: int * b: int -> Task<int>
    abstract FetchAsync: id: int -> Task<int>
    abstract GreetAsync: name: string -> Task<int>
    abstract RecordAsync: entry: int -> Task

/// An executor that records each submission and runs the work inline.
type RecordingExecutor() =
    let tokens = ConcurrentQueue<CancellationToken>()
    member _.Submitted = tokens.Count
    member _.Tokens = List.ofSeq tokens

    interface IExecutor with
        member _.Submit(work, cancellationToken) =
            tokens.Enqueue cancellationToken
            Task.FromResult(work ())

/// An executor marked as running work in other processes, as Distributed is; it never runs anything.
type internal ElsewhereExecutor() =
    interface IExecutor with
        member _.Submit(_, _) =
            raise (InvalidOperationException "decorating must refuse this executor before any call")

    interface Futured.Internal.IRemoteExecutor

/// Occupies the only worker of an executor until the returned source is completed.
let occupy (executor: IExecutor) =
    let gate =
        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

    let started =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    let busy =
        executor.Submit(
            (fun () ->
                started.SetResult()
                gate.Task.GetAwaiter().GetResult()),
            CancellationToken.None
        )

    gate, started.Task, busy

let mismatch<'IAsync> (store: Store) =
    raises<ArgumentException>(fun () -> decorated<'IAsync, Store> store |> ignore)

[<Tests>]
let tests =
    testList
        "decorated"
        [
            testTask "decorated methods run the same-named or Async-suffixed synchronous methods"
            <| fun () ->
                task {
                    let store = Store()
                    let api = decorated<IStoreAsync, _> store
                    let! sum = api.AddAsync(2, 3)
                    let! greeting = api.Greet "ada"
                    do! api.RecordAsync "saved"
                    let! parsed = api.ParseAsync "http://127.0.0.1/"
                    Expect.equal sum 5 "AddAsync runs Add"
                    Expect.equal greeting "hello ada" "Greet runs Greet"
                    Expect.equal store.Log [ "saved" ] "RecordAsync runs Record"
                    Expect.equal (parsed :?> Uri).Host "127.0.0.1" "a more specific result"
                }

            testTask "a decorated call returns before the synchronous method finishes"
            <| fun () ->
                task {
                    let api = decorated<IStoreAsync, _>(Store())

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let call = api.WaitAsync gate.Task
                    Expect.isFalse call.IsCompleted "the call is still running"
                    gate.SetResult 42
                    let! result = call
                    Expect.equal result 42 "the method's result"
                }

            testTask "decoratedOn submits every call to the given executor"
            <| fun () ->
                task {
                    let executor = RecordingExecutor()
                    let api = decoratedOn<IStoreAsync, _> executor (Store())
                    let! sum = api.AddAsync(1, 1)
                    do! api.RecordAsync "x"
                    Expect.equal sum 2 "result"
                    Expect.equal executor.Submitted 2 "both calls were submitted"
                }

            testTask "an exception of the synchronous method faults the task with its original type"
            <| fun () ->
                task {
                    let api = decorated<IStoreAsync, _>(Store())
                    let! e = throwsExactly<Boom>(api.FailAsync "broken")
                    Expect.equal e.Message "broken" "the original message"
                }

            testTask "methods of inherited interfaces are decorated too"
            <| fun () ->
                task {
                    let api = decorated<IDerivedAsync, _>(Store())
                    let! sum = api.AddAsync(20, 22)
                    let! greeting = api.GreetAsync "bob"
                    Expect.equal (sum, greeting) (42, "hello bob") "both interfaces"
                }

            testTask "an internal interface can be decorated"
            <| fun () ->
                task {
                    let api = decorated<IInternalAsync, _>(Store())
                    let! sum = api.AddAsync(4, 5)
                    Expect.equal sum 9 "result"
                }

            testTask "a token the target does not take is passed to the executor"
            <| fun () ->
                task {
                    use cts = new CancellationTokenSource()
                    let executor = RecordingExecutor()
                    let api = decoratedOn<ICancellableAddAsync, _> executor (Store())
                    let! sum = api.AddAsync(1, 2, cts.Token)
                    Expect.equal sum 3 "result"
                    Expect.equal executor.Tokens [ cts.Token ] "the executor received the token"
                }

            testTask "a token the target takes reaches the target"
            <| fun () ->
                task {
                    use cts = new CancellationTokenSource()
                    let api = decorated<IStoreAsync, _>(Store())
                    let! cancellable = api.CheckAsync cts.Token
                    Expect.isTrue cancellable "the target received the token"
                }

            for name, create in
                [
                    "Threaded", (fun () -> new Threaded(1) :> IExecutor)
                    "Asynced", (fun () -> new Asynced(1) :> IExecutor)
                ] do
                testTask $"on a busy {name}, a queued call whose token is cancelled never runs"
                <| fun () ->
                    task {
                        let executor = create ()
                        let store = Store()
                        let gate, started, busy = occupy executor
                        do! started
                        let api = decoratedOn<ICancellableAddAsync, _> executor store
                        use cts = new CancellationTokenSource()
                        let queued = api.AddAsync(1, 2, cts.Token)
                        cts.Cancel()
                        let! _ = throws<OperationCanceledException> queued
                        gate.SetResult 0
                        let! _ = busy
                        let! after = api.AddAsync(3, 4, CancellationToken.None)
                        Expect.equal after 7 "a later call runs"
                        Expect.equal store.Adds 1 "the cancelled call never ran"
                        do! (executor :?> IAsyncDisposable).DisposeAsync()
                    }

            test "a missing method is reported when decorating, by name" {
                let e = mismatch<IMissingAsync>(Store())
                Expect.equal e.ParamName "target" "parameter"
                Expect.stringContains e.Message "FetchAsync" "names the method"
            }

            test "a method with other parameter types is reported when decorating" {
                let e = mismatch<IWrongParametersAsync>(Store())
                Expect.stringContains e.Message "AddAsync(String, Int32)" "names the method and its parameters"
            }

            test "a method with another result type is reported when decorating" {
                let e = mismatch<IWrongReturnAsync>(Store())
                Expect.stringContains e.Message "GreetAsync" "names the method"
            }

            test "a void method does not match Task<T>" {
                let e = mismatch<IVoidForValueAsync>(Store())
                Expect.stringContains e.Message "RecordAsync" "names the method"
            }

            test "an interface method that does not return a task is reported" {
                let e = mismatch<INotTaskAsync>(Store())
                Expect.stringContains e.Message "not Task" "says why"
            }

            test "every unmatched method is reported at once, and only those" {
                let e = mismatch<IManyMismatchesAsync>(Store())

                for name in [ "FetchAsync"; "GreetAsync"; "RecordAsync" ] do
                    Expect.stringContains e.Message name "names each mismatch"

                Expect.isFalse (e.Message.Contains "AddAsync") "the matched method is not reported"
            }

            test "decorating a type that is not an interface is refused" {
                let e = raises<ArgumentException>(fun () -> decorated<Store, _>(Store()) |> ignore)
                Expect.stringContains e.Message "not an interface" "says why"
            }

            test "decorated refuses a null target, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> decorated<IStoreAsync, Store> null |> ignore)

                Expect.equal e.ParamName "target" "parameter"
            }

            test "decoratedOn refuses a null executor or target, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> decoratedOn<IStoreAsync, _> null (Store()) |> ignore)

                Expect.equal e.ParamName "executor" "parameter"

                let e =
                    raises<ArgumentNullException>(fun () ->
                        decoratedOn<IStoreAsync, Store> (RecordingExecutor()) null |> ignore)

                Expect.equal e.ParamName "target" "parameter"
            }

            test
                "decoratedOn refuses an executor that runs work in other processes, naming the parameter and saying why" {
                let e =
                    raises<ArgumentException>(fun () ->
                        decoratedOn<IStoreAsync, _> (ElsewhereExecutor()) (Store()) |> ignore)

                Expect.equal e.ParamName "executor" "parameter"
                Expect.stringContains e.Message "other processes" "says why"
            }

            testTask "an executor seen as IExecutor refuses null work, naming the parameter"
            <| fun () ->
                task {
                    use threaded = new Threaded(1)
                    use asynced = new Asynced(1)

                    for executor in [ threaded :> IExecutor; asynced :> IExecutor ] do
                        let e =
                            raises<ArgumentNullException>(fun () ->
                                executor.Submit(Unchecked.defaultof<unit -> int>, CancellationToken.None)
                                |> ignore)

                        Expect.equal e.ParamName "work" "parameter"
                }
        ]
