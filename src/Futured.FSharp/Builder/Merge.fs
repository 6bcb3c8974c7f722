namespace Futured.Internal

open System.Runtime.ExceptionServices
open System.Threading.Tasks

/// The join behind and!: every operand already runs; wait for all of them, then give both results or
/// raise the first failure in operand order, with every other fault observed.
module internal Merge =

    let both (left: Task<'a>) (right: Task<'b>) : Task<'a * 'b> =
        task {
            do! Task.WhenAll(left :> Task, right :> Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

            if left.IsCompletedSuccessfully && right.IsCompletedSuccessfully then
                return left.Result, right.Result
            else
                Observe.task left
                Observe.task right

                let failed: Task = if left.IsCompletedSuccessfully then right else left

                ExceptionDispatchInfo.Throw(Observe.faultOf failed)
                return Unchecked.defaultof<_>
        }
