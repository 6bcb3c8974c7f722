/// The C# facade seen from F#: conversions of delegates, options and tuples, and argument validation.
module Futured.Tests.Facade

open System
open System.Collections.Generic
open System.Linq
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Decorate

let double' = Func<int, int>(fun x -> x * 2)
let doubleAsync = Func<int, Task<int>>(fun x -> Task.FromResult(x * 2))
let addAsync = Func<int, int, Task<int>>(fun a b -> Task.FromResult(a + b))

/// A whole stream read into a list, failing the test on an error.
let listOf (xs: IAsyncEnumerable<'T>) = toList xs

/// Checks that the call throws ArgumentNullException naming the parameter.
let nullNamed (parameter: string) (call: unit -> obj) =
    let e = raises<ArgumentNullException>(fun () -> call () |> ignore)
    Expect.equal e.ParamName parameter $"names {parameter}"

/// Checks that the call throws ArgumentOutOfRangeException naming the parameter.
let outOfRangeNamed (parameter: string) (call: unit -> obj) =
    let e = raises<ArgumentOutOfRangeException>(fun () -> call () |> ignore)
    Expect.equal e.ParamName parameter $"names {parameter}"

[<Tests>]
let tests =
    testList
        "facade"
        [
            testTask "Futures.Threaded returns a Func whose calls run off the caller and give the result"
            <| fun () ->
                task {
                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let wait =
                        Futures.Threaded(Func<int, int>(fun x -> x + gate.Task.GetAwaiter().GetResult()))

                    let call = wait.Invoke 1
                    Expect.isFalse call.IsCompleted "the call is still running"
                    gate.SetResult 41
                    let! result = call
                    Expect.equal result 42 "the function's result"
                    let! sum = (Futures.Threaded(Func<int, int, int>(fun a b -> a * b))).Invoke(6, 7)
                    Expect.equal sum 42 "two arguments"
                }

            testTask "Futures.Asynced turns a synchronous throw into a faulted task"
            <| fun () ->
                task {
                    let fail = Futures.Asynced(Func<int, Task<int>>(fun _ -> raise (Boom "early")))
                    let call = fail.Invoke 1
                    let! e = throwsExactly<Boom> call
                    Expect.equal e.Message "early" "the original exception"

                    let! sum = (Futures.Asynced addAsync).Invoke(40, 2)
                    Expect.equal sum 42 "two arguments"
                }

            testTask "Threaded.Wrap and Submit run delegates on the executor, honouring the token"
            <| fun () ->
                task {
                    use pool = new Threaded(1)

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let started =
                        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                    let busy =
                        pool.Submit(
                            Func<int>(fun () ->
                                started.SetResult()
                                gate.Task.GetAwaiter().GetResult())
                        )

                    do! started.Task
                    use cts = new CancellationTokenSource()
                    let ran = ref false
                    let queued = pool.Submit(Action(fun () -> ran.Value <- true), cts.Token)
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> queued
                    gate.SetResult 5
                    let! five = busy
                    let! doubled = (pool.Wrap double').Invoke 21
                    let! product = (pool.Wrap(Func<int, int, int>(fun a b -> a * b))).Invoke(6, 7)
                    Expect.equal (five, doubled, product) (5, 42, 42) "results"
                    Expect.isFalse ran.Value "the cancelled call never ran"
                }

            testTask "Asynced.Wrap and Submit admit delegates through the limiter"
            <| fun () ->
                task {
                    use limiter = new Asynced(1)

                    let gate =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let busy = limiter.Submit(Func<Task<int>>(fun () -> gate.Task))
                    use cts = new CancellationTokenSource()
                    let ran = ref false

                    let queued =
                        limiter.Submit(
                            Func<Task<int>>(fun () ->
                                ran.Value <- true
                                Task.FromResult 0),
                            cts.Token
                        )

                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> queued
                    gate.SetResult 5
                    let! five = busy
                    let! doubled = (limiter.Wrap doubleAsync).Invoke 21
                    let! sum = (limiter.Wrap addAsync).Invoke(40, 2)
                    Expect.equal (five, doubled, sum) (5, 42, 42) "results"
                    Expect.isFalse ran.Value "the cancelled call never ran"
                }

            property "Results yields in input order and AsCompleted in completion order" permutations
            <| fun perm ->
                task {
                    let tcs = sources perm.Length
                    let tasks = [ for t in tcs -> t.Task ]
                    let inOrder = listOf (tasks.Results())
                    let e = tasks.AsCompleted().GetAsyncEnumerator()
                    let completed = ResizeArray()

                    for i in perm do
                        let pending = e.MoveNextAsync()
                        tcs[i].SetResult i
                        let! _ = pending
                        completed.Add e.Current

                    let! last = e.MoveNextAsync()
                    do! e.DisposeAsync()
                    let! ordered = inOrder

                    return
                        ordered = [ 0 .. perm.Length - 1 ]
                        && List.ofSeq completed = List.ofArray perm
                        && not last
                }
                |> await'

            testTask "Results and AsCompleted convert the timeout into a deadline"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    let tasks = [ Task.FromResult 1; never.Task ]

                    for stream in
                        [
                            tasks.Results(Nullable(TimeSpan.FromMilliseconds 250.0))
                            tasks.AsCompleted(Nullable(TimeSpan.FromMilliseconds 250.0))
                        ] do
                        let! items, failure = collect stream
                        Expect.equal items [ 1 ] "the completed result first"
                        Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "then the deadline"
                }

            testTask "Results and AsCompleted pass the cancellation token"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    use cts = new CancellationTokenSource()
                    let tasks = [ never.Task ]

                    for stream in
                        [
                            tasks.Results(cancellationToken = cts.Token)
                            tasks.AsCompleted(cancellationToken = cts.Token)
                        ] do
                        let e = stream.GetAsyncEnumerator()
                        let pending = e.MoveNextAsync().AsTask()
                        cts.Cancel()
                        let! _ = throws<OperationCanceledException> pending
                        do! e.DisposeAsync()
                }

            property "Items pairs every key with its own result, as value tuples" permutations
            <| fun perm ->
                task {
                    let tcs = sources perm.Length
                    let pairs = [ for i in 0 .. perm.Length - 1 -> struct ($"k{i}", tcs[i].Task) ]
                    let reading = listOf (pairs.Items())

                    for i in perm do
                        tcs[i].SetResult(i * 10)

                    let! items = reading

                    return
                        (items |> List.map (fun struct (k, v) -> k, v) |> List.sort) =
                            List.sort [ for i in perm -> $"k{i}", i * 10 ]
                }
                |> await'

            testTask "Items accepts a dictionary of tasks"
            <| fun () ->
                task {
                    let tasks = Dictionary<string, Task<int>>()
                    tasks["a"] <- Task.FromResult 1
                    tasks["b"] <- Task.FromResult 2
                    let! items = listOf (tasks.Items())
                    let got = items |> List.map (fun struct (k, v) -> k, v) |> List.sort
                    Expect.equal got [ "a", 1; "b", 2 ] "each key with its value"
                }

            testTask "Map yields in input order by default and in completion order when asked"
            <| fun () ->
                task {
                    let! doubled = listOf (doubleAsync.Map [ 1; 2; 3 ])
                    Expect.equal doubled [ 2; 4; 6 ] "input order"

                    let first =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let second =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let fetch = Func<int, Task<int>>(fun i -> if i = 0 then first.Task else second.Task)
                    let e = fetch.Map([ 0; 1 ], order = Order.AsCompleted).GetAsyncEnumerator()
                    let pending = e.MoveNextAsync()
                    second.SetResult 2
                    let! _ = pending
                    let b = e.Current
                    first.SetResult 1
                    let! a = next e
                    do! e.DisposeAsync()
                    Expect.equal [ b; a ] [ 2; 1 ] "completion order"
                }

            testTask "Map with maxConcurrency consumes an endless input lazily, within the bound"
            <| fun () ->
                task {
                    let inFlight = ref 0
                    let most = ref 0
                    let sync = obj ()

                    let fetch =
                        Func<int, Task<int>>(fun i ->
                            task {
                                let now = Interlocked.Increment &inFlight.contents
                                lock sync (fun () -> most.Value <- max most.Value now)
                                do! Task.Yield()
                                Interlocked.Decrement &inFlight.contents |> ignore
                                return i
                            })

                    let endless = Seq.initInfinite id
                    let! first = listOf (fetch.Map(endless, maxConcurrency = 3).Take(50))
                    Expect.equal first [ 0..49 ] "the first fifty, in order"
                    Expect.isLessThanOrEqual most.Value 3 "never more than three in flight"
                }

            testTask "Map passes the timeout and the cancellation token"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()

                    let fetch =
                        Func<int, Task<int>>(fun i -> if i = 0 then Task.FromResult 0 else never.Task)

                    let! items, failure =
                        collect (fetch.Map([ 0; 1 ], timeout = TimeSpan.FromMilliseconds 250.0))

                    Expect.equal items [ 0 ] "the completed result"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "then the deadline"
                    use cts = new CancellationTokenSource()
                    let e = fetch.Map([ 1 ], cancellationToken = cts.Token).GetAsyncEnumerator()
                    let pending = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> pending
                    do! e.DisposeAsync()
                }

            testTask "Map, MapZip and StarMap accept asynchronous sequences"
            <| fun () ->
                task {
                    let! doubled =
                        listOf (doubleAsync.Map(AsyncEnumerable.ToAsyncEnumerable [ 1; 2; 3 ]))

                    Expect.equal doubled [ 2; 4; 6 ] "Map"

                    let! zipped =
                        listOf (doubleAsync.MapZip(AsyncEnumerable.ToAsyncEnumerable [ 1; 2; 3 ]))

                    Expect.equal
                        (zipped |> List.map (fun struct (x, y) -> x, y) |> List.sort)
                        [ 1, 2; 2, 4; 3, 6 ]
                        "MapZip"

                    let! sums =
                        listOf (addAsync.StarMap(AsyncEnumerable.ToAsyncEnumerable [ struct (1, 2); struct (3, 4) ]))

                    Expect.equal sums [ 3; 7 ] "StarMap"
                }

            testTask "MapZip pairs each input with its result as named value tuples"
            <| fun () ->
                task {
                    let! zipped = listOf (doubleAsync.MapZip [ 1; 2; 3 ])
                    let got = zipped |> List.map (fun struct (x, y) -> x, y) |> List.sort
                    Expect.equal got [ 1, 2; 2, 4; 3, 6 ] "each input with its own result"
                }

            testTask "StarMap calls a two-argument function on value-tuple pairs, in order"
            <| fun () ->
                task {
                    let! sums = listOf (addAsync.StarMap [ struct (1, 2); struct (3, 4); struct (5, 6) ])
                    Expect.equal sums [ 3; 7; 11 ] "in input order"
                }

            testTask "Futures.Decorate runs synchronous methods on the thread pool or a given executor"
            <| fun () ->
                task {
                    let store = Store()
                    let api = Futures.Decorate<IStoreAsync>(store)
                    let! sum = api.AddAsync(2, 3)
                    let executor = RecordingExecutor()
                    let onExecutor = Futures.Decorate<IStoreAsync>(store, executor)
                    let! greeting = onExecutor.Greet "ada"
                    Expect.equal (sum, greeting) (5, "hello ada") "results"
                    Expect.equal executor.Submitted 1 "the given executor ran the call"
                }

            test "Futures.Decorate reports unmatched methods when decorating" {
                let e =
                    raises<ArgumentException>(fun () -> Futures.Decorate<IManyMismatchesAsync>(Store()) |> ignore)

                Expect.stringContains e.Message "FetchAsync" "names the method"
                Expect.equal e.ParamName "target" "parameter"
            }

            test "Futures.Run and Futures.Iter bridge to synchronous code with the original exception" {
                Expect.equal (Futures.Run(Task.FromResult 3)) 3 "Run"
                Expect.equal (List.ofSeq (Futures.Iter(doubleAsync.Map [ 1; 2 ]))) [ 2; 4 ] "Iter"

                raises<Boom>(fun () -> Futures.Run(Task.FromException<int>(Boom "x")) |> ignore)
                |> ignore
            }

            testTask "Futures.Waiting registers tasks and gives the results in registration order"
            <| fun () ->
                task {
                    let first =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let scope = Futures.Waiting(first.Task, Task.FromResult 2)

                    let started =
                        scope.Start(
                            Func<CancellationToken, Task<int>>(fun token ->
                                Task.FromResult(if token.CanBeCanceled then 3 else -3))
                        )

                    let waiting = scope.WaitAsync()
                    first.SetResult 1
                    let! results = waiting
                    let! three = started
                    Expect.equal results [| 1; 2; 3 |] "registration order"
                    Expect.equal three 3 "the work received the scope's token"
                    do! scope.DisposeAsync()
                }

            testTask "Futures.Waiting with a block waits for every task it registered"
            <| fun () ->
                task {
                    let! results =
                        Futures.Waiting<int>(
                            Func<Waiting<int>, Task>(fun scope ->
                                scope.Add(Task.FromResult 1)
                                scope.Start(Func<CancellationToken, Task<int>>(fun _ -> Task.FromResult 2)) :> Task)
                        )

                    Expect.equal results [| 1; 2 |] "both results"

                    let! e =
                        throwsExactly<Boom>(Futures.WaitAll [ Task.FromResult 1; Task.FromException<int>(Boom "x") ])

                    Expect.equal e.Message "x" "the fault as itself"
                }

            testTask "Futures.TaskSet yields completed tasks and converts the timeout"
            <| fun () ->
                task {
                    let set = Futures.TaskSet([ Task.FromResult 1; Task.FromResult 2 ])
                    let! tasks = listOf set
                    Expect.equal (tasks |> List.map (fun t -> t.Result) |> List.sort) [ 1; 2 ] "every task"
                    let never = TaskCompletionSource<int>()

                    let bounded =
                        Futures.TaskSet([ never.Task ], Nullable(TimeSpan.FromMilliseconds 50.0))

                    let! items, failure = collect bounded
                    Expect.isEmpty items "nothing completed"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "the deadline"
                }


            testTask "Futures.Command is awaitable, pipes, and streams its lines"
            <| fun () ->
                task {
                    let! hello = Futures.Command("echo", "hello").RunAsync()
                    Expect.equal hello "hello\n" "standard output"

                    let! counted =
                        (Futures.Command("printf", "a\\nb\\nc\\n").Pipe(Futures.Command("wc", "-l"))).RunAsync()

                    Expect.equal (counted.Trim()) "3" "a pipe"
                    let! lines = listOf (Futures.Shell("printf 'x\\ny\\n'").Lines())
                    Expect.equal lines [ "x"; "y" ] "lines"
                    let e = Futures.Command("echo", "z").GetAsyncEnumerator()
                    let! z = next e
                    do! ended e
                    do! e.DisposeAsync()
                    Expect.equal z "z" "await foreach over a command"
                }

            testTask "an awaited facade command raises CommandException with the exit code"
            <| fun () ->
                task {
                    let! e = throwsExactly<CommandException>(Futures.Shell("exit 3").RunAsync())
                    Expect.equal e.ExitCode (Nullable 3) "the exit code"
                    let! bytes = Futures.Command("printf", "ab").RunBytesAsync()
                    Expect.equal bytes "ab"B "the bytes"
                }

            testTask
                "Futures.Command refuses a NUL and a timeout beyond the timer limit naming the parameter, and takes an infinite timeout"
            <| fun () ->
                task {
                    let named (parameter: string) (build: unit -> Command) =
                        let e = raises<ArgumentException>(fun () -> build () |> ignore)
                        Expect.equal e.ParamName parameter $"names {parameter}"

                    named "arguments" (fun () -> Futures.Command("echo", "nul\000inside"))
                    named "program" (fun () -> Futures.Command("ec\000ho"))
                    named "script" (fun () -> Futures.Shell "echo nul\000inside")
                    outOfRangeNamed "timeout" (fun () -> Futures.Command("echo", "x").WithTimeout TimeSpan.MaxValue)

                    let! out =
                        Futures.Command("echo", "x").WithTimeout(Timeout.InfiniteTimeSpan).RunAsync()

                    Expect.equal out "x\n" "no deadline"
                }

            testTask "Futures.Processed and Processed.Wrap run delegates in worker processes"
            <| fun () ->
                task {
                    let! pid =
                        (Futures.Processed(Func<int, int>(fun _ -> Environment.ProcessId))).Invoke 0

                    Expect.notEqual pid Environment.ProcessId "ran in another process"
                    use pool = new Processed(1)
                    let! doubled = (pool.Wrap(Func<int, int>(fun x -> x * 2))).Invoke 21
                    Expect.equal doubled 42 "the result"
                }

            testTask "Futures.Forked runs the body for each value in child processes"
            <| fun () ->
                task {
                    // A file per child: appends to one file from several processes can overwrite each other.
                    let folder = IO.Directory.CreateTempSubdirectory("futured-facade-").FullName

                    try
                        do!
                            Futures.Forked(
                                [ for i in 0..2 -> folder, i ],
                                Action<string * int>(fun (path, i) ->
                                    IO.File.WriteAllText(IO.Path.Combine(path, string i), "")),
                                2
                            )

                        let names =
                            IO.Directory.GetFiles folder
                            |> Array.map (IO.Path.GetFileName >> int)
                            |> Array.sort

                        Expect.equal names [| 0; 1; 2 |] "every body ran"
                    finally
                        IO.Directory.Delete(folder, true)
                }

            test "every facade member refuses null arguments, naming the parameter" {
                let nullFunc: Func<int, int> = null
                let nullFunc2: Func<int, int, int> = null
                let nullAsync: Func<int, Task<int>> = null
                let nullAsync2: Func<int, int, Task<int>> = null
                let nullTasks: IEnumerable<Task<int>> = null
                let nullInts: IEnumerable<int> = null
                let nullAsyncInts: IAsyncEnumerable<int> = null
                let nullPairs: IEnumerable<struct (int * int)> = null
                let nullAsyncPairs: IAsyncEnumerable<struct (int * int)> = null
                let nullKeyed: IEnumerable<struct (string * Task<int>)> = null
                let nullDictionary: IEnumerable<KeyValuePair<string, Task<int>>> = null
                let nullThreaded = Unchecked.defaultof<Threaded>
                let nullAsynced = Unchecked.defaultof<Asynced>
                use pool = new Threaded(1)
                use limiter = new Asynced(1)
                nullNamed "function" (fun () -> Futures.Threaded nullFunc)
                nullNamed "function" (fun () -> Futures.Threaded nullFunc2)
                nullNamed "function" (fun () -> Futures.Asynced nullAsync)
                nullNamed "function" (fun () -> Futures.Asynced nullAsync2)
                nullNamed "target" (fun () -> Futures.Decorate<IStoreAsync>(null))
                nullNamed "task" (fun () -> Futures.Run(null: Task<int>))
                nullNamed "source" (fun () -> Futures.Iter nullAsyncInts)
                nullNamed "tasks" (fun () -> nullTasks.Results())
                nullNamed "tasks" (fun () -> nullTasks.AsCompleted())
                nullNamed "pairs" (fun () -> nullKeyed.Items())
                nullNamed "pairs" (fun () -> nullDictionary.Items())
                nullNamed "function" (fun () -> nullAsync.Map [ 1 ])
                nullNamed "inputs" (fun () -> doubleAsync.Map nullInts)
                nullNamed "function" (fun () -> nullAsync.Map(AsyncEnumerable.Empty<int>()))
                nullNamed "inputs" (fun () -> doubleAsync.Map nullAsyncInts)
                nullNamed "function" (fun () -> nullAsync.MapZip [ 1 ])
                nullNamed "inputs" (fun () -> doubleAsync.MapZip nullInts)
                nullNamed "function" (fun () -> nullAsync.MapZip(AsyncEnumerable.Empty<int>()))
                nullNamed "inputs" (fun () -> doubleAsync.MapZip nullAsyncInts)
                nullNamed "function" (fun () -> nullAsync2.StarMap [ struct (1, 2) ])
                nullNamed "pairs" (fun () -> addAsync.StarMap nullPairs)
                nullNamed "function" (fun () -> nullAsync2.StarMap(AsyncEnumerable.Empty<struct (int * int)>()))
                nullNamed "pairs" (fun () -> addAsync.StarMap nullAsyncPairs)
                nullNamed "executor" (fun () -> nullThreaded.Wrap double')
                nullNamed "function" (fun () -> pool.Wrap nullFunc)
                nullNamed "executor" (fun () -> nullThreaded.Wrap(Func<int, int, int>(fun a b -> a + b)))
                nullNamed "function" (fun () -> pool.Wrap nullFunc2)
                nullNamed "executor" (fun () -> nullThreaded.Submit(Func<int>(fun () -> 1)))
                nullNamed "work" (fun () -> pool.Submit(null: Func<int>))
                nullNamed "executor" (fun () -> nullThreaded.Submit(Action ignore))
                nullNamed "work" (fun () -> pool.Submit(null: Action))
                nullNamed "executor" (fun () -> nullAsynced.Wrap doubleAsync)
                nullNamed "function" (fun () -> limiter.Wrap nullAsync)
                nullNamed "executor" (fun () -> nullAsynced.Wrap addAsync)
                nullNamed "function" (fun () -> limiter.Wrap nullAsync2)
                nullNamed "executor" (fun () -> nullAsynced.Submit(Func<Task<int>>(fun () -> Task.FromResult 1)))
                nullNamed "work" (fun () -> limiter.Submit(null: Func<Task<int>>))
                nullNamed "tasks" (fun () -> Futures.Waiting<int>(null: Task<int>[]))
                let nullCommand = Unchecked.defaultof<Command>
                nullNamed "function" (fun () -> Futures.Processed nullFunc)
                nullNamed "values" (fun () -> Futures.Forked((null: int seq), Action<int> ignore, 1))
                nullNamed "body" (fun () -> Futures.Forked([ 1 ], (null: Action<int>), 1))
                nullNamed "executor" (fun () -> Unchecked.defaultof<Processed>.Wrap double')
                use processes = new Processed(1)
                nullNamed "function" (fun () -> processes.Wrap nullFunc)
                outOfRangeNamed "maxWorkers" (fun () -> Futures.Forked([ 1 ], Action<int> ignore, 0))
                nullNamed "program" (fun () -> Futures.Command(null, "x"))
                nullNamed "arguments" (fun () -> Futures.Command("echo", (null: string[])))
                nullNamed "script" (fun () -> Futures.Shell null)
                nullNamed "command" (fun () -> nullCommand.RunAsync())
                nullNamed "command" (fun () -> nullCommand.RunBytesAsync())
                nullNamed "command" (fun () -> nullCommand.Lines())
                nullNamed "command" (fun () -> nullCommand.GetAsyncEnumerator())
                nullNamed "command" (fun () -> nullCommand.Pipe(Futures.Command "cat"))
                nullNamed "next" (fun () -> Futures.Command("echo").Pipe(nullCommand))
                nullNamed "body" (fun () -> Futures.Waiting<int>(null: Func<Waiting<int>, Task>))
                nullNamed "tasks" (fun () -> Futures.WaitAll nullTasks)
                nullNamed "tasks" (fun () -> Futures.TaskSet nullTasks)

                nullNamed "scope" (fun () ->
                    Unchecked.defaultof<Waiting<int>>.Start(
                        Func<CancellationToken, Task<int>>(fun _ -> Task.FromResult 1)
                    ))

                nullNamed "work" (fun () -> (new Waiting<int>()).Start(null: Func<CancellationToken, Task<int>>))
            }

            test "timeouts and bounds out of range are refused, naming the C# parameter" {
                let tasks = [ Task.FromResult 1 ]
                let negative = Nullable(TimeSpan.FromSeconds -1.0)
                outOfRangeNamed "timeout" (fun () -> tasks.Results negative)
                outOfRangeNamed "timeout" (fun () -> tasks.AsCompleted negative)
                outOfRangeNamed "timeout" (fun () -> [ struct (1, Task.FromResult 1) ].Items negative)
                outOfRangeNamed "timeout" (fun () -> doubleAsync.Map([ 1 ], timeout = negative))

                // Beyond the runtime's timer limit: refused where given, like a negative one.
                let beyond = Nullable TimeSpan.MaxValue
                outOfRangeNamed "timeout" (fun () -> tasks.Results beyond)
                outOfRangeNamed "timeout" (fun () -> tasks.AsCompleted beyond)
                outOfRangeNamed "timeout" (fun () -> doubleAsync.Map([ 1 ], timeout = beyond))
                outOfRangeNamed "timeout" (fun () -> Futures.TaskSet(tasks, beyond))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleAsync.Map([ 1 ], maxConcurrency = 0))
                outOfRangeNamed "maxConcurrency" (fun () -> doubleAsync.MapZip([ 1 ], maxConcurrency = -1))

                outOfRangeNamed "maxConcurrency" (fun () -> addAsync.StarMap([ struct (1, 2) ], maxConcurrency = 0))
            }
        ]
