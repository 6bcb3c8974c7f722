module Futured.Tests.FuturesDecorate

open System
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Decorate
open Futured.Tests.DecoratedWith

/// A pair of a method name and an executor, as C# writes ("Request", executor).
let named (name: string) (executor: IExecutor) = struct (name, executor)

[<Tests>]
let tests =
    testList
        "Futures.Decorate with executors per method"
        [
            testTask "Futures.Decorate runs each named method on the executor named for it"
            <| fun () ->
                task {
                    let requests = RecordingExecutor()
                    let sends = RecordingExecutor()

                    let api =
                        Futures.Decorate<IPairAsync, Client>(Client(), named "Request" requests, named "Send" sends)

                    let! reply = api.RequestAsync 3
                    do! api.SendAsync "hello"
                    Expect.equal reply 30 "the target's result"
                    Expect.equal (requests.Submitted, sends.Submitted) (1, 1) "each on its own executor"
                }

            testTask "Futures.Decorate runs the methods that are not named on the default executor"
            <| fun () ->
                task {
                    use pool = new Threaded(1)
                    let others = RecordingExecutor()

                    let api =
                        Futures.Decorate<IClientAsync, Client>(Client(), others, named "Request" pool)

                    let! reply = api.RequestAsync 5
                    do! api.SendAsync "hello"
                    do! api.CloseAsync()
                    Expect.equal reply 50 "the target's result"
                    Expect.equal others.Submitted 2 "SendAsync and CloseAsync ran on the default"
                }

            testTask
                "Futures.Decorate with a Threaded and an Asynced runs one method on a dedicated thread, the other on the thread pool"
            <| fun () ->
                task {
                    use threaded = new Threaded(1)
                    use asynced = new Asynced(1)

                    let api =
                        Futures.Decorate<IWhereAsync, Client>(
                            Client(),
                            named "Where" threaded,
                            named "Elsewhere" asynced
                        )

                    let! onThreaded = api.WhereAsync()
                    let! onAsynced = api.ElsewhereAsync()
                    Expect.isFalse onThreaded "Threaded runs the method on a thread of its own"
                    Expect.isTrue onAsynced "Asynced runs the method on the thread pool"
                }

            test "Futures.Decorate refuses a name that matches no method when decorating, naming it" {
                let e =
                    raises<ArgumentException>(fun () ->
                        Futures.Decorate<IPairAsync, Client>(
                            Client(),
                            RecordingExecutor(),
                            named "Recieve" (RecordingExecutor())
                        )
                        |> ignore)

                Expect.equal e.ParamName "executors" "parameter"
                Expect.stringContains e.Message "Recieve" "names the unknown method"
            }

            test "Futures.Decorate refuses a method that is not named when no default executor is given" {
                let e =
                    raises<ArgumentException>(fun () ->
                        Futures.Decorate<IClientAsync, Client>(Client(), named "Request" (RecordingExecutor()))
                        |> ignore)

                Expect.equal e.ParamName "executors" "parameter"
                Expect.stringContains e.Message "SendAsync" "names the method left without an executor"
            }

            test "Futures.Decorate with executors refuses null arguments, naming the parameter" {
                let nullNamed (parameter: string) (f: unit -> IPairAsync) =
                    let e = raises<ArgumentNullException>(fun () -> f () |> ignore)
                    Expect.equal e.ParamName parameter $"names {parameter}"

                let executor = RecordingExecutor() :> IExecutor
                let noPairs: struct (string * IExecutor) array = null

                nullNamed "target" (fun () ->
                    Futures.Decorate<IPairAsync, Client>(Unchecked.defaultof<Client>, named "Request" executor))

                nullNamed "target" (fun () ->
                    Futures.Decorate<IPairAsync, Client>(Unchecked.defaultof<Client>, executor))

                nullNamed "executors" (fun () -> Futures.Decorate<IPairAsync, Client>(Client(), noPairs))
                nullNamed "executors" (fun () -> Futures.Decorate<IPairAsync, Client>(Client(), executor, noPairs))

                nullNamed "defaultExecutor" (fun () ->
                    Futures.Decorate<IPairAsync, Client>(
                        Client(),
                        Unchecked.defaultof<IExecutor>,
                        named "Request" executor
                    ))

                nullNamed "executors" (fun () ->
                    Futures.Decorate<IPairAsync, Client>(
                        Client(),
                        executor,
                        named "Send" Unchecked.defaultof<IExecutor>
                    ))

                nullNamed "executors" (fun () ->
                    Futures.Decorate<IPairAsync, Client>(Client(), executor, named null executor))
            }
        ]
