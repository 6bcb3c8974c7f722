namespace Futured.Internal

open System.Threading
open System.Threading.Tasks

/// How a pass takes the results of the calls it started: one strategy per order, chosen once when the pass
/// starts (TakeInOrder, TakeAsCompleted, TakeFixedSet).
[<AbstractClass>]
type internal Take<'a, 'b>() =
    /// Calls started and not yet taken.
    [<DefaultValue>]
    val mutable InWindow: int

    /// Holds a call just started for its item.
    abstract Add: item: 'a * work: Task<'b> -> unit

    /// Takes the next call if one has ended (its item and its completed task); inputEnded says whether the
    /// input has ended, so that an empty strategy can finish. The strategies over tasks implement this one.
    abstract TryTakeWork: inputEnded: bool * item: outref<'a> * work: outref<Task<'b>> -> Step

    /// Takes the next result if one is ready: its item and either its result or, when the call failed, its fault
    /// (Observe.faultOf of its task).
    abstract TryTake: inputEnded: bool * item: outref<'a> * result: outref<'b> * fault: outref<exn> -> Step

    default this.TryTake(inputEnded, item, result, fault) =
        let mutable work = null

        match this.TryTakeWork(inputEnded, &item, &work) with
        | Yielded ->
            if work.IsCompletedSuccessfully then
                result <- work.Result
            else
                fault <- Observe.faultOf work

            Yielded
        | step -> step

    /// What to wait on when TryTake gave Pending, given the input's pending move (or null) and the pass's token.
    abstract Wait: pendingMove: Task<bool> * token: CancellationToken -> Wait

    /// The outcome of a move that Wait asked to wait on (OnMove).
    abstract Moved: moved: bool -> unit
    default _.Moved _ = ()

    /// The input has ended (called after every fill from then on, until the pass stops).
    abstract InputEnded: unit -> unit
    default _.InputEnded() = ()

    /// The pass stopped: the faults of the calls not taken are observed.
    abstract Abandon: unit -> unit

    /// The pass is disposed.
    abstract Dispose: unit -> unit
    default _.Dispose() = ()

    /// A task that completes when either the strategy's own wait or the input's pending move does, ended by
    /// the token if it can be cancelled.
    static member Progress(result: Task, pendingMove: Task, token: CancellationToken) : Wait =
        let any =
            match isNull result, isNull pendingMove with
            | true, true -> Task.CompletedTask
            | false, true -> result
            | true, false -> pendingMove
            | false, false -> Task.WhenAny(result, pendingMove)

        OnTask(if token.CanBeCanceled then any.WaitAsync token else any)
