module Futured.Orleans.Tests.DistributedDecorateTests

open System
open System.Reflection
open System.Threading.Tasks
open Expecto
open Orleans
open global.Futured
open Futured.Tests.Support

/// A grain factory that is never used: decorating must refuse a Distributed before any call.
type NoGrains() =
    inherit DispatchProxy()
    override _.Invoke(m, _) = raise (NotSupportedException m.Name)

type Counter() =
    member _.Count(item: string) = item.Length

type ICounterAsync =
    abstract CountAsync: item: string -> Task<int>

[<Tests>]
let tests =
    testList
        "Distributed and decorated"
        [
            test "decorating with a Distributed is refused when decorating, naming the parameter and saying why" {
                use distributed =
                    new Distributed(DispatchProxy.Create<IGrainFactory, NoGrains>(), 1)

                let on =
                    raises<ArgumentException>(fun () -> decoratedOn<ICounterAsync, _> distributed (Counter()) |> ignore)

                Expect.equal on.ParamName "executor" "decoratedOn names its executor"
                Expect.stringContains on.Message "other processes" "says why"

                let named =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<ICounterAsync, _> [ ("Count", distributed) ] None (Counter())
                        |> ignore)

                Expect.equal named.ParamName "executors" "decoratedWith names the pairs"

                let byDefault =
                    raises<ArgumentException>(fun () ->
                        decoratedWith<ICounterAsync, _> [] (Some(distributed :> IExecutor)) (Counter())
                        |> ignore)

                Expect.equal byDefault.ParamName "defaultExecutor" "decoratedWith names the default executor"
            }
        ]
