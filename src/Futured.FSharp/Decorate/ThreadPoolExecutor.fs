namespace Futured.Internal

open System
open System.Threading.Tasks
open Futured

/// The shared thread pool seen as an executor, with no bound of its own.
[<Sealed>]
type internal ThreadPoolExecutor private () =
    static member val Instance = ThreadPoolExecutor()

    interface IExecutor with
        member _.Submit(work, cancellationToken) =
            Guard.notNull "work" work
            Task.Run<_>(Func<_> work, cancellationToken)
