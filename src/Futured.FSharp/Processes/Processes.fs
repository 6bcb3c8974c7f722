namespace Futured

open System
open System.Threading
open System.Threading.Tasks
open Futured.Internal

[<AutoOpen>]
module Processes =

    let private shared = lazy (new Processed(Environment.ProcessorCount))

    let sharedPool () = shared.Value

    let processed (f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        shared.Value.Wrap f

    let processedFunc (f: Func<'a, 'b>) : Func<'a, Task<'b>> =
        Guard.notNull "f" f
        shared.Value.WrapFunc f

    let forkedCancellable
        (cancellationToken: CancellationToken)
        (maxWorkers: int)
        (body: 'a -> unit)
        (values: seq<'a>)
        : Task =
        Guard.positive "maxWorkers" maxWorkers
        Guard.notNull "body" body
        Guard.notNull "values" values
        Fork.run maxWorkers (Callable.ofFunction "body" body) values cancellationToken

    let forked (maxWorkers: int) (body: 'a -> unit) (values: seq<'a>) : Task =
        forkedCancellable CancellationToken.None maxWorkers body values
