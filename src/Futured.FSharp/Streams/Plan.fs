namespace Futured.Internal

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// Where the engine takes its input from.
[<NoComparison; NoEquality>]
type internal Input<'a> =
    | FromSeq of seq<'a>
    | FromTaskSeq of IAsyncEnumerable<'a>

    /// How many items the input holds when that is known up front (a collection), otherwise 0.
    member input.KnownLength =
        match input with
        | FromSeq(:? IReadOnlyCollection<'a> as c) -> c.Count
        | FromSeq(:? ICollection<'a> as c) -> c.Count
        | _ -> 0

/// How the engine starts the call for one input item.
[<NoComparison; NoEquality>]
type internal Call<'a, 'b> =
    /// A function of the item alone (or a task that already runs): a stop does not reach a running call.
    | Plain of ('a -> Task<'b>)
    /// A function that also takes a token, cancelled when the pass stops for any reason; the pass's
    /// DisposeAsync then waits until every call it started has finished.
    | WithToken of ('a -> CancellationToken -> Task<'b>)

/// Everything one streaming run needs to know.
[<NoComparison; NoEquality>]
type internal Plan<'a, 'b, 'r> =
    {
        Input: Input<'a>
        /// Starts the call for one input item (or returns a task that already runs).
        Start: Call<'a, 'b>
        /// Builds the yielded value from the item and its result.
        Project: 'a -> 'b -> 'r
        Ordered: bool
        /// Most calls started but not yet yielded; Int32.MaxValue means no bound.
        Window: int
        Timeout: TimeSpan voption
        CancellationToken: CancellationToken
        /// The clock of the deadline (TimeProvider.System but in tests).
        Clock: TimeProvider
        /// The parameter a null task stands for (the input, or the function that returned it), and what the
        /// ArgumentNullException says.
        NullTaskParameter: string
        NullTaskMessage: string
    }

/// What one attempt to take the next result gives.
[<Struct>]
type internal Step =
    /// A call's result was taken.
    | Yielded
    /// Every call has been taken and the input has ended: the pass is over.
    | Finished
    /// No result is ready yet: the pass must wait.
    | Pending

/// What a pass waits on when no result is ready.
[<Struct; NoComparison; NoEquality>]
type internal Wait =
    /// A task that completes on progress; awaited without throwing.
    | OnTask of task: Task
    /// A move of the strategy's own, whose outcome goes back to the strategy (Take.Moved).
    | OnMove of move: ValueTask<bool>
