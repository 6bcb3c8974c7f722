module Futured.Tests.DecoratedWith

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Decorate

/// A synchronous client whose methods report where they ran.
type Client() =
    member _.Request(id: int) = id * 10
    member _.Send(message: string) : unit = ignore message
    member _.Close() : unit = ()
    member _.Where() = Thread.CurrentThread.IsThreadPoolThread
    member _.Elsewhere() = Thread.CurrentThread.IsThreadPoolThread

type IPairAsync =
    abstract RequestAsync: id: int -> Task<int>
    abstract SendAsync: message: string -> Task

type IClientAsync =
    abstract RequestAsync: id: int -> Task<int>
    abstract SendAsync: message: string -> Task
    abstract CloseAsync: unit -> ValueTask

type IWhereAsync =
    abstract WhereAsync: unit -> Task<bool>
    abstract ElsewhereAsync: unit -> Task<bool>

/// Both methods match Store.Greet; the name "Greet" stands for the first only.
type IGreetingsAsync =
    abstract Greet: name: string -> Task<string>
    abstract GreetAsync: name: string -> Task<string>

[<Tests>]
let tests =
    testList
        "decoratedWith"
        [
            testTask "each named method runs on the executor named for it"
            <| fun () ->
                task {
                    let requests = RecordingExecutor()
                    let sends = RecordingExecutor()

                    let api =
                        decoratedWith<IPairAsync, _> [ "Request", requests; "Send", sends ] None (Client())

                    let! reply = api.RequestAsync 4
                    do! api.SendAsync "hello"
                    do! api.SendAsync "again"
                    Expect.equal reply 40 "the target's result"
                    Expect.equal requests.Submitted 1 "RequestAsync ran on its executor only"
                    Expect.equal sends.Submitted 2 "SendAsync ran on its executor only"
                }

            testTask
                "a method named with a Threaded runs on a dedicated thread, one named with an Asynced on the thread pool"
            <| fun () ->
                task {
                    use threaded = new Threaded(1)
                    use asynced = new Asynced(1)

                    let api =
                        decoratedWith<IWhereAsync, _> [ "Where", threaded; "Elsewhere", asynced ] None (Client())

                    let! onThreaded = api.WhereAsync()
                    let! onAsynced = api.ElsewhereAsync()
                    Expect.isFalse onThreaded "Threaded runs the method on a thread of its own"
                    Expect.isTrue onAsynced "Asynced runs the method on the thread pool"
                }

            testTask "methods that are not named run on the default executor"
            <| fun () ->
                task {
                    let requests = RecordingExecutor()
                    let others = RecordingExecutor()

                    let api =
                        decoratedWith<IClientAsync, _> [ "Request", requests ] (Some others) (Client())

                    do! api.SendAsync "hello"
                    do! api.CloseAsync()
                    let! reply = api.RequestAsync 2
                    Expect.equal reply 20 "the target's result"
                    Expect.equal others.Submitted 2 "SendAsync and CloseAsync ran on the default"
                    Expect.equal requests.Submitted 1 "RequestAsync ran on its own executor"
                }

            testTask "a method's full name names it as well as its name without the Async suffix"
            <| fun () ->
                task {
                    let requests = RecordingExecutor()
                    let others = RecordingExecutor()

                    let api =
                        decoratedWith<IClientAsync, _> [ "RequestAsync", requests ] (Some others) (Client())

                    let! _ = api.RequestAsync 1
                    Expect.equal (requests.Submitted, others.Submitted) (1, 0) "RequestAsync ran on its executor"
                }

            testTask "a name that matches a method exactly does not name its Async-suffixed namesake"
            <| fun () ->
                task {
                    let named = RecordingExecutor()
                    let others = RecordingExecutor()

                    let api =
                        decoratedWith<IGreetingsAsync, _> [ "Greet", named ] (Some others) (Store())

                    let! first = api.Greet "ada"
                    let! second = api.GreetAsync "bob"
                    Expect.equal (first, second) ("hello ada", "hello bob") "both run Store.Greet"

                    Expect.equal
                        (named.Submitted, others.Submitted)
                        (1, 1)
                        "Greet on the named, GreetAsync on the default"
                }

            test "a name that matches no method is refused when decorating, naming it and the methods there are" {
                let e =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IPairAsync, _>
                            [ "Request", RecordingExecutor(); "Sned", RecordingExecutor() ]
                            None
                            (Client())
                        |> ignore)

                Expect.equal e.ParamName "executors" "parameter"
                Expect.stringContains e.Message "Sned" "names the unknown method"
                Expect.stringContains e.Message "SendAsync" "lists the interface's methods"
            }

            test "a method that is not named is refused when decorating without a default executor" {
                let e =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IClientAsync, _> [ "Request", RecordingExecutor() ] None (Client())
                        |> ignore)

                Expect.equal e.ParamName "executors" "parameter"
                Expect.stringContains e.Message "SendAsync" "names each method without an executor"
                Expect.stringContains e.Message "CloseAsync" "names each method without an executor"
                Expect.isFalse (e.Message.Contains "RequestAsync") "the named method is not reported"
            }

            test "a method given two executors is refused when decorating" {
                let e =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IPairAsync, _>
                            [
                                "Request", RecordingExecutor()
                                "Send", RecordingExecutor()
                                "RequestAsync", RecordingExecutor()
                            ]
                            None
                            (Client())
                        |> ignore)

                Expect.equal e.ParamName "executors" "parameter"
                Expect.stringContains e.Message "RequestAsync" "names the method"
            }

            test "a method that cannot be matched with the target is refused when decorating, naming the target" {
                let e =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IManyMismatchesAsync, _> [] (Some(RecordingExecutor())) (Store())
                        |> ignore)

                Expect.equal e.ParamName "target" "parameter"
                Expect.stringContains e.Message "FetchAsync" "names the method"
            }

            test "with no executor at all, an interface with methods is refused when decorating" {
                let e =
                    raises<ArgumentException>(fun () -> decoratedWith<IPairAsync, _> [] None (Client()) |> ignore)

                Expect.stringContains e.Message "RequestAsync" "names the methods"
            }

            test "an executor that runs work in other processes is refused when decorating, named or as the default" {
                let named =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IPairAsync, _>
                            [ "Request", ElsewhereExecutor(); "Send", RecordingExecutor() ]
                            None
                            (Client())
                        |> ignore)

                Expect.equal named.ParamName "executors" "parameter"
                Expect.stringContains named.Message "Request" "names the method"
                Expect.stringContains named.Message "other processes" "says why"

                let byDefault =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<IPairAsync, _> [] (Some(ElsewhereExecutor())) (Client()) |> ignore)

                Expect.equal byDefault.ParamName "defaultExecutor" "parameter"
            }

            test "decoratedWith refuses null arguments, naming the parameter" {
                let named (parameter: string) (f: unit -> IPairAsync) =
                    let e = raises<ArgumentNullException>(fun () -> f () |> ignore)
                    Expect.equal e.ParamName parameter $"names {parameter}"

                let executor = RecordingExecutor() :> IExecutor
                named "target" (fun () -> decoratedWith<IPairAsync, Client> [] (Some executor) null)

                named "executors" (fun () ->
                    decoratedWith<IPairAsync, _> Unchecked.defaultof<_> (Some executor) (Client()))

                named "executors" (fun () -> decoratedWith<IPairAsync, _> [ null, executor ] (Some executor) (Client()))

                named "executors" (fun () ->
                    decoratedWith<IPairAsync, _> [ "Send", Unchecked.defaultof<IExecutor> ] (Some executor) (Client()))

                named "defaultExecutor" (fun () ->
                    decoratedWith<IPairAsync, _> [] (Some Unchecked.defaultof<IExecutor>) (Client()))
            }
        ]
