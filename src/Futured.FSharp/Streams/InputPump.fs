namespace Futured.Internal

open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// The input of one pass, a sequence or an asynchronous sequence, taken one item at a time. An asynchronous
/// input is given the pass's token, so that a stop ends its pending move. Whatever the input throws (opening it,
/// MoveNext, Current, MoveNextAsync) is its failure: nothing more is taken, and the pass raises it once every call
/// started before it has been yielded.
[<Sealed>]
type internal InputPump<'a>(input: Input<'a>, token: CancellationToken) =
    let mutable syncInput: IEnumerator<'a> = null
    let mutable asyncInput: IAsyncEnumerator<'a> = null
    let mutable pendingMove: Task<bool> = null
    let mutable exhausted = false
    let mutable fault: exn = null

    /// Takes the outcome of a successful asynchronous move: true when it brought an item.
    let arrived (moved: bool) (item: outref<'a>) =
        if moved then
            item <- asyncInput.Current
            true
        else
            exhausted <- true
            false

    /// Takes the outcome of an asynchronous move that has completed: true when it brought an item.
    let completed (move: Task<bool>) (stopping: bool) (item: outref<'a>) =
        if move.IsCompletedSuccessfully then
            try
                arrived move.Result &item
            with e ->
                fault <- e
                exhausted <- true
                false
        else
            // Cancelled by the pass's own stop: the stop, not the input, ends the pass. The token is checked as well as
            // `stopping`, which the caller read before the move was seen to end: a deadline that passes in between
            // cancels the move before the caller could know (the pass's token is cancelled only by its stop).
            if not (move.IsCanceled && (stopping || token.IsCancellationRequested)) then
                fault <- Observe.faultOf move
                exhausted <- true

            false

    /// Nothing more comes from the input.
    member _.Exhausted = exhausted

    /// The input's own failure, or null.
    member _.Fault = fault

    /// The asynchronous move being waited for, or null.
    member _.PendingMove = pendingMove

    /// The input can be moved now: it has not ended and no move is pending.
    member _.CanMove = not exhausted && isNull pendingMove

    /// The input failed: nothing more is taken from it.
    member _.Failed(e: exn) =
        fault <- e
        exhausted <- true

    /// Opens the input at the first call; a failure to open it is its failure.
    member this.Open() =
        if isNull syncInput && isNull asyncInput && not exhausted then
            try
                match input with
                | FromSeq xs -> syncInput <- xs.GetEnumerator()
                | FromTaskSeq xs -> asyncInput <- xs.GetAsyncEnumerator token
            with e ->
                this.Failed e

    /// Takes the outcome of the pending move if it has completed: true when it brought an item. stopping says
    /// whether the pass is stopping, so that a move its stop cancelled is not taken for a failure.
    member _.TakeCompletedMove(stopping: bool, item: outref<'a>) =
        if not (isNull pendingMove) && pendingMove.IsCompleted then
            let move = pendingMove
            pendingMove <- null
            completed move stopping &item
        else
            false

    /// Moves the input once (only when CanMove): true when an item came at once. It throws what the input
    /// throws; the caller records that with Failed.
    member _.Next(stopping: bool, item: outref<'a>) =
        if not (isNull syncInput) then
            if syncInput.MoveNext() then
                item <- syncInput.Current
                true
            else
                exhausted <- true
                false
        else
            let move = asyncInput.MoveNextAsync()

            if move.IsCompletedSuccessfully then
                arrived move.Result &item
            elif move.IsCompleted then
                completed (move.AsTask()) stopping &item
            else
                pendingMove <- move.AsTask()
                false

    /// The pass stopped: a fault of the pending move is observed.
    member _.Abandon() = Observe.task pendingMove

    /// Disposes the input, then runs finish. An asynchronous input is disposed only after its pending move
    /// has ended.
    member _.Close(finish: unit -> unit) : ValueTask =
        if isNull asyncInput then
            if not (isNull syncInput) then
                syncInput.Dispose()

            finish ()
            ValueTask()
        else
            let input = asyncInput
            let move = pendingMove
            pendingMove <- null

            ValueTask(
                task {
                    try
                        if not (isNull move) then
                            do! (move :> Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                        do! input.DisposeAsync().ConfigureAwait(false)
                    finally
                        finish ()
                }
            )
