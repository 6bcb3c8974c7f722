module Futured.Tests.Futured.Map

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open Futured
open Futured.Tests.Support

/// n items, a bound, and a permutation giving the priority in which started calls are completed.
let boundedCases =
    gen {
        let! n = Gen.choose (1, 25)
        let! bound = Gen.choose (1, 6)
        let! priority = Gen.shuffle [| 0 .. n - 1 |]
        let! ordered = Gen.elements [ true; false ]
        return n, bound, priority, ordered
    }
    |> Arb.fromGen

/// Runs a bounded map whose calls finish only when the driver completes them: at each step the
/// driver either consumes a result the stream has produced or completes the started call with the
/// highest priority. Checks the bound at every call and the output at the end.
let drivenBounded (n, bound, priority: int[], ordered) =
    task {
        let tcs = sources n
        let started = HashSet<int>()
        let completed = HashSet<int>()
        let mutable consumed = 0
        let mutable violations = 0

        let f i =
            lock started (fun () ->
                started.Add i |> ignore

                if started.Count - consumed > bound then
                    violations <- violations + 1)

            tcs[i].Task

        let options =
            { MapOptions.Default with
                MaxConcurrency = Some bound
                Order = Some(if ordered then Order.InOrder else Order.AsCompleted)
            }

        let e = (Futured.mapWith options f (seq { 0 .. n - 1 })).GetAsyncEnumerator()
        let output = ResizeArray()
        let mutable pending = e.MoveNextAsync().AsTask()
        let mutable finished = false

        let completable () =
            lock started (fun () -> started |> Seq.filter (completed.Contains >> not) |> Seq.toList)

        while not finished do
            do! waitUntil "a result or a started call" (fun () -> pending.IsCompleted || not (completable ()).IsEmpty)

            if pending.IsCompleted then
                let! moved = pending

                if moved then
                    output.Add e.Current
                    lock started (fun () -> consumed <- consumed + 1)
                    pending <- e.MoveNextAsync().AsTask()
                else
                    finished <- true
            else
                let next = completable () |> List.minBy (fun i -> Array.IndexOf(priority, i))
                completed.Add next |> ignore
                tcs[next].SetResult(next * 2)

        do! e.DisposeAsync()
        let expected = [ for i in 0 .. n - 1 -> i * 2 ]
        let got = List.ofSeq output

        return violations = 0 && (if ordered then got = expected else List.sort got = expected)
    }

/// An asynchronous input the test writes to item by item.
let channelInput () =
    let channel = Channel.CreateUnbounded<int>()
    channel, channel.Reader.ReadAllAsync()

[<Tests>]
let tests =
    testList
        "map"
        [
            property "bounded map never has more than MaxConcurrency calls in flight and yields everything" boundedCases
            <| fun case -> drivenBounded case |> await'

            property "map yields every result in input order, for every completion order" permutations
            <| fun perm ->
                let tcs = sources perm.Length
                let stream = Futured.map (fun i -> tcs[i].Task) [ 0 .. perm.Length - 1 ]
                let reading = toList stream

                for i in perm do
                    tcs[i].SetResult(i + 100)

                await' reading = [ for i in 0 .. perm.Length - 1 -> i + 100 ]

            testTask "map over threaded yields the results in input order"
            <| fun () ->
                task {
                    let! items = toList (Futured.map (threaded (fun x -> x * x)) [ 1..100 ])
                    Expect.equal items [ for x in 1..100 -> x * x ] "squares"
                }

            testTask "map is parametrised over executors: the same results through each"
            <| fun () ->
                task {
                    use pool = new Threaded(3)
                    use limiter = new Asynced(2)

                    let wrapped: (string * (int -> Task<int>)) list =
                        [
                            "threaded", threaded (fun x -> x + 1)
                            "Threaded(3)", pool.Wrap(fun x -> x + 1)
                            "asynced", asynced (fun x -> Task.FromResult(x + 1))
                            "Asynced(2)",
                            limiter.Wrap(fun x ->
                                task {
                                    do! Task.Yield()
                                    return x + 1
                                })
                        ]

                    for name, f in wrapped do
                        let! items =
                            (toList (
                                Futured.mapWith
                                    { MapOptions.Default with
                                        MaxConcurrency = Some 4
                                    }
                                    f
                                    [ 0..49 ]
                            ))
                                .WaitAsync
                                generous

                        Expect.equal items [ 1..50 ] name
                }

            testTask "map calls start when the enumeration starts, not when map is called"
            <| fun () ->
                task {
                    let mutable calls = 0

                    let stream =
                        Futured.map
                            (fun x ->
                                Interlocked.Increment &calls |> ignore
                                Task.FromResult x)
                            [ 1; 2; 3 ]

                    Expect.equal calls 0 "nothing started yet"
                    let! items = toList stream
                    Expect.equal (items, calls) ([ 1; 2; 3 ], 3) "started by the enumeration"
                }

            testTask "a bounded map consumes an endless input lazily"
            <| fun () ->
                task {
                    let input = CountingSeq None

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 4
                        }

                    let e =
                        (Futured.mapWith options (asynced Task.FromResult) input.Items).GetAsyncEnumerator()

                    for expected in 0..99 do
                        let! v = next e
                        Expect.equal v expected "in order"

                    do! e.DisposeAsync()
                    Expect.isLessThanOrEqual input.Pulled (100 + 4) "pulled at most the window beyond the consumed"
                }

            testTask "a bounded map starts no call after a fault"
            <| fun () ->
                task {
                    let input = CountingSeq None

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 3
                        }

                    let f i =
                        if i = 5 then
                            Task.FromException<int>(Boom "item 5")
                        else
                            Task.FromResult i

                    let! items, failure = collect (Futured.mapWith options f input.Items)
                    Expect.equal items [ 0..4 ] "the results before the fault"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? Boom)) "the fault"
                    let pulledThen = input.Pulled
                    Expect.isLessThanOrEqual pulledThen (6 + 3) "no more than the window was started"
                }

            testTask "a bounded map starts no call after the deadline"
            <| fun () ->
                task {
                    let input = CountingSeq None
                    let never = TaskCompletionSource<int>()

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 2
                            Timeout = Some(TimeSpan.FromMilliseconds 20.0)
                        }

                    let! items, failure =
                        collect (Futured.mapWith options (fun _ -> never.Task) input.Items)

                    Expect.isEmpty items "nothing completed"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "timeout"
                    Expect.equal input.Pulled 2 "only the first window was started"
                }

            testTask "cancelling MapOptions.CancellationToken stops the stream and starts no further call"
            <| fun () ->
                task {
                    use cts = new CancellationTokenSource()
                    let input = CountingSeq None
                    let gate = TaskCompletionSource<int>()

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 2
                            CancellationToken = cts.Token
                        }

                    let e =
                        (Futured.mapWith options (fun _ -> gate.Task) input.Items).GetAsyncEnumerator()

                    let pending = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> pending
                    gate.SetResult 1
                    do! e.DisposeAsync()
                    Expect.equal input.Pulled 2 "only the first window was started"
                }

            testTask "disposing the enumerator early starts no further call"
            <| fun () ->
                task {
                    let input = CountingSeq None

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 2
                        }

                    let e =
                        (Futured.mapWith options (asynced Task.FromResult) input.Items).GetAsyncEnumerator()

                    let! _ = next e
                    do! e.DisposeAsync()
                    let pulled = input.Pulled
                    let! moved = e.MoveNextAsync()
                    Expect.isFalse moved "a disposed stream yields nothing"
                    Expect.equal input.Pulled pulled "nothing pulled after disposal"
                }

            testTask "mapFrom streams results while the asynchronous input is still open"
            <| fun () ->
                task {
                    let channel, input = channelInput ()

                    let e =
                        (Futured.mapFrom MapOptions.Default (asynced (fun x -> Task.FromResult(x * 3))) input)
                            .GetAsyncEnumerator()

                    for i in 1..5 do
                        let pending = e.MoveNextAsync().AsTask()
                        Expect.isFalse pending.IsCompleted "waits for input"
                        do! channel.Writer.WriteAsync i
                        let! moved = pending
                        Expect.isTrue (moved && e.Current = i * 3) "the result of the item just written"

                    channel.Writer.Complete()
                    do! ended e
                    do! e.DisposeAsync()
                }

            testTask "mapFrom with a bound keeps the window and ends with the input"
            <| fun () ->
                task {
                    let input = System.Linq.AsyncEnumerable.Range(0, 200)

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 8
                        }

                    let! items = toList (Futured.mapFrom options (threaded (fun x -> x + 1)) input)
                    Expect.equal items [ 1..200 ] "all, in order"
                }

            testTask "mapFrom surfaces a failure of the input itself"
            <| fun () ->
                task {
                    let channel, input = channelInput ()
                    do! channel.Writer.WriteAsync 1
                    channel.Writer.Complete(Boom "the input failed")

                    let! items, failure =
                        collect (Futured.mapFrom MapOptions.Default (asynced Task.FromResult) input)

                    Expect.equal items [ 1 ] "the item before the failure"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? Boom)) "the input's own exception"
                }

            testTask "mapFrom cancels the asynchronous input when disposed early"
            <| fun () ->
                task {
                    let _, input = channelInput ()

                    let e =
                        (Futured.mapFrom MapOptions.Default (asynced Task.FromResult) input).GetAsyncEnumerator()

                    let pending = e.MoveNextAsync().AsTask()
                    do! e.DisposeAsync()
                    let! _ = pending.ContinueWith(fun (_: Task<bool>) -> ())
                    Expect.isTrue pending.IsCompleted "the pending move ended"
                }

            test "map refuses null arguments, naming the parameter" {
                let e1 =
                    raises<ArgumentNullException>(fun () ->
                        Futured.map (Unchecked.defaultof<int -> Task<int>>) [ 1 ] |> ignore)

                let e2 =
                    raises<ArgumentNullException>(fun () ->
                        Futured.map (asynced Task.FromResult) (null: seq<int>) |> ignore)

                let e3 =
                    raises<ArgumentNullException>(fun () ->
                        Futured.mapFrom MapOptions.Default (asynced Task.FromResult) (null: TaskSeq<int>)
                        |> ignore)

                Expect.equal (e1.ParamName, e2.ParamName, e3.ParamName) ("f", "xs", "xs") "parameters"
            }

            test "mapWith refuses a bound of zero and a negative timeout, naming the options" {
                for options in
                    [
                        { MapOptions.Default with
                            MaxConcurrency = Some 0
                        }
                        { MapOptions.Default with
                            Timeout = Some(TimeSpan.FromSeconds -1.0)
                        }
                    ] do
                    let e =
                        raises<ArgumentOutOfRangeException>(fun () ->
                            Futured.mapWith options (asynced Task.FromResult) [ 1 ] |> ignore)

                    Expect.equal e.ParamName "options" "parameter"
            }
        ]
