module Futured.Orleans.Tests.DistributedTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Orleans.Tests.Remote

let private client () =
    task {
        let! cluster = Cluster.shared.Value
        return cluster, cluster.Client
    }

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Distributed"
        [
            testTask "60 calls of a map reach every silo of a 3-silo cluster, not only the client's gateway"
            <| fun () ->
                task {
                    let! cluster, client = client ()
                    use distributed = new Distributed(client, 6)
                    let where = distributed.Wrap whereAmI
                    let! silos = Futured.map where [ 1..60 ] |> toList
                    Expect.hasLength silos 60 "every call answered"

                    Expect.equal
                        (Set.ofList silos)
                        (Cluster.siloAddresses cluster)
                        "every silo ran calls, and only silos"
                }

            testTask "a wrapped F# function runs through Futured.map with results in input order"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 4)
                    let squared = distributed.Wrap square
                    let! results = Futured.map squared [ 1..20 ] |> toList
                    Expect.equal results [ for x in 1..20 -> x * x ] "squares in input order"
                    Expect.isNull Distributed.CurrentSilo "no silo outside a call"
                }

            testTask "mapWith with a bound, mapZip and asCompleted take Distributed calls unchanged"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 3)
                    let squared = distributed.Wrap square

                    let! bounded =
                        Futured.mapWith
                            { MapOptions.Default with
                                MaxConcurrency = Some 2
                            }
                            squared
                            [ 1..10 ]
                        |> toList

                    Expect.equal bounded [ for x in 1..10 -> x * x ] "bounded map in order"
                    let! pairs = Futured.mapZip squared [ 1..10 ] |> toList
                    Expect.equal (List.sort pairs) [ for x in 1..10 -> x, x * x ] "each input with its own result"
                    let! completed = Futured.asCompleted [ for x in 1..5 -> squared x ] |> toList
                    Expect.equal (List.sort completed) [ 1; 4; 9; 16; 25 ] "every result as completed"
                }

            testTask "TaskSet, Waiting and futured { } take Distributed calls unchanged"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 3)
                    let squared = distributed.Wrap square
                    let set = new TaskSet<int>([ squared 2; squared 3 ])
                    set.Add(squared 4)
                    let! fromSet = set |> toList
                    Expect.equal (fromSet |> List.map (fun t -> t.Result) |> List.sort) [ 4; 9; 16 ] "the task set"
                    let waiting = new Waiting<int>([ squared 5 ])
                    waiting.Add(squared 6)
                    let! gathered = waiting.WaitAsync()
                    Expect.equal gathered [| 25; 36 |] "the waiting scope, in registration order"

                    let! sum =
                        futured {
                            let! a = squared 7
                            and! b = squared 8
                            return a + b
                        }

                    Expect.equal sum 113 "futured { } with and!"
                }

            testTask "Submit runs one call, and the executor serves several functions"
            <| fun () ->
                task {
                    let! cluster, client = client ()
                    use distributed = new Distributed(client :> Orleans.IGrainFactory, 2)
                    let! nine = distributed.Submit(square, 3)
                    let! silo = distributed.Submit(whereAmI, 0)
                    Expect.equal nine 9 "the result"
                    Expect.contains (Cluster.siloAddresses cluster) silo "ran on a silo"
                }

            testTask "an exception in the function faults the call with RemoteException: type, message and remote stack"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let failing = distributed.Wrap fail
                    let! e = throwsExactly<RemoteException>(failing "no luck")
                    Expect.equal e.RemoteTypeName "System.InvalidOperationException" "the remote type"
                    Expect.equal e.RemoteMessage "no luck" "the remote message"
                    Expect.stringContains e.RemoteStackTrace "Invoke" "the remote stack, from the silo"
                    let! after = (distributed.Wrap square) 5
                    Expect.equal after 25 "the executor goes on"
                }

            testTask "a function with captured state is refused when wrapped, naming the parameter and why"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let offset = Random.Shared.Next(1, 10)

                    let e =
                        raises<ArgumentException>(fun () -> distributed.Wrap(fun x -> x + offset) |> ignore)

                    Expect.equal e.ParamName "function" "the parameter"
                    Expect.stringContains e.Message "captured state" "why"
                }

            testTask "a result type that would not round-trip faults the call naming the type, before it runs"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let! e = throwsExactly<NotSupportedException>((distributed.Wrap boxed) 1)
                    Expect.stringContains e.Message "System.Object" "names the type"
                }

            testTask "an argument that would not round-trip faults the call naming the type"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let length = distributed.Wrap(fun (s: string) -> s.Length)

                    let! e =
                        throwsExactly<NotSupportedException>(length ("a" + string (char 0xD800) + "b"))

                    Expect.stringContains e.Message "System.String" "names the type"
                    Expect.stringContains e.Message "surrogate" "and why"
                }

            testTask "cancelling a running call cancels it on the silo: the function's token is cancelled"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let key = Guid.NewGuid().ToString "N"
                    let waitFor = distributed.WrapCancellable awaitCancellation
                    use cts = new CancellationTokenSource()
                    let call = waitFor key cts.Token
                    let! _ = (signal $"{key}/started").Task.WaitAsync generous
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> call
                    let! silo = (signal $"{key}/cancelled").Task.WaitAsync generous
                    Expect.isNotNull silo "the function saw its token cancelled, on a silo"
                }

            testTask "a stop of mapCancellable cancels the running calls on the silos, and DisposeAsync waits for them"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 2)
                    let key = Guid.NewGuid().ToString "N"
                    let keys = [ key + "a"; key + "b" ]
                    use stop = new CancellationTokenSource()

                    let options =
                        { MapOptions.Default with
                            CancellationToken = stop.Token
                        }

                    let e =
                        (Futured.mapCancellableWith options (distributed.WrapCancellable awaitCancellation) keys)
                            .GetAsyncEnumerator()

                    let move = e.MoveNextAsync().AsTask()

                    for k in keys do
                        let! _ = (signal $"{k}/started").Task.WaitAsync generous
                        ()

                    stop.Cancel()
                    let! _ = throws<OperationCanceledException> move
                    do! e.DisposeAsync().AsTask().WaitAsync generous

                    for k in keys do
                        let! silo = (signal $"{k}/cancelled").Task.WaitAsync generous
                        Expect.isNotNull silo $"the call {k} saw its token cancelled on a silo"
                }

            testTask "a map deadline raises TimeoutException after the completed results were yielded"
            <| fun () ->
                task {
                    let! _, client = client ()
                    use distributed = new Distributed(client, 4)
                    let key = Guid.NewGuid().ToString "N"
                    let calls = distributed.Wrap quickThenHold

                    let options =
                        { MapOptions.Default with
                            Timeout = Some(TimeSpan.FromMilliseconds 500.0)
                        }

                    try
                        let! items, failure =
                            Futured.mapWith options calls [ for i in 0..3 -> key, i ] |> collect

                        Expect.equal items [ 0; 1 ] "the completed results first"

                        match failure with
                        | Some(:? TimeoutException) -> ()
                        | other -> failtestf "expected a TimeoutException, got %A" other
                    finally
                        (gate key).Set()
                }

            testTask "disposing refuses later calls with ObjectDisposedException after the accepted calls finished"
            <| fun () ->
                task {
                    let! _, client = client ()
                    let distributed = new Distributed(client, 1)
                    let key = Guid.NewGuid().ToString "N"
                    let held = distributed.Wrap hold
                    let first = held (key, 0)
                    let queued = held (key, 1)
                    let! _ = (signal $"{key}/0").Task.WaitAsync generous
                    let disposing = distributed.DisposeAsync().AsTask()
                    let! e = throwsExactly<ObjectDisposedException>((distributed.Wrap square) 2)
                    Expect.stringContains e.ObjectName "Distributed" "names the executor"
                    Expect.isFalse disposing.IsCompleted "disposal waits for the accepted calls"
                    (gate key).Set()
                    do! disposing.WaitAsync generous

                    Expect.isTrue
                        (first.IsCompletedSuccessfully && queued.IsCompletedSuccessfully)
                        "both accepted calls ran"
                }

            testTask
                "a bound of zero or less is refused with ArgumentOutOfRangeException, a null client with ArgumentNullException"
            <| fun () ->
                task {
                    let! _, client = client ()

                    for bound in [ 0; -1 ] do
                        let e =
                            raises<ArgumentOutOfRangeException>(fun () -> new Distributed(client, bound) |> ignore)

                        Expect.equal e.ParamName "maxConcurrency" "the parameter"

                    let e =
                        raises<ArgumentNullException>(fun () ->
                            new Distributed(Unchecked.defaultof<Orleans.IClusterClient>, 1) |> ignore)

                    Expect.equal e.ParamName "client" "the parameter"
                }
        ]
