namespace Futured.Internal

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// One pass over a plan. The consumer drives it: every MoveNextAsync first tops the window up from the input
/// (InputPump), then takes the next result through the strategy chosen for the pass's order (Take): the head of
/// a queue in order; the next completion from a channel as completed; or, for a plain as-completed pass over a
/// sequence (no bound, nothing that can stop it), one Task.WhenEach over the fixed set of calls its first move
/// starts.
///
/// How a pass ends. A faulted task (or a null one, or a call that throws) surfaces at its place and ends the
/// pass. A failure of the input itself is the input's last element: every call already started is yielded
/// first, then the failure. A deadline yields every result already available, then TimeoutException; a
/// cancellation raises OperationCanceledException at once. Every stop (fault, deadline, cancellation, early
/// DisposeAsync) cancels the token the asynchronous input was given, so its pending MoveNextAsync ends, and
/// DisposeAsync waits for that move before disposing the input. A plan whose calls take a token (WithToken) gets the
/// same token for every call, so a stop reaches the running calls too, and DisposeAsync then also waits until every
/// call has finished.
[<Sealed>]
type internal Pass<'a, 'b, 'r>(plan: Plan<'a, 'b, 'r>, consumerToken: CancellationToken) =
    // A stop signal exists only when something can stop the pass from outside or an asynchronous input must
    // be told to stop.
    let stop =
        if
            StopSignal.CanStop(plan.Timeout, plan.CancellationToken, consumerToken)
            || (match plan.Input with
                | FromTaskSeq _ -> true
                | FromSeq _ -> false)
            || (match plan.Start with
                | WithToken _ -> true
                | Plain _ -> false)
        then
            new StopSignal(plan.Timeout, plan.Clock, plan.CancellationToken, consumerToken)
        else
            null

    let token = if isNull stop then CancellationToken.None else stop.Token

    let known = plan.Input.KnownLength

    /// What an in-order strategy sizes its queue for: the window, or the length of a collection input.
    let capacity =
        if plan.Window = Int32.MaxValue then known
        elif known > 0 then min plan.Window known
        else min plan.Window 1024

    // A plain function of an owned pool (threaded, Threaded.Wrap) runs in batches, without a task per call.
    let batched =
        match plan.Start with
        | Plain f ->
            match box f with
            | :? PoolFunction<'a, 'b> as pooled -> TakeBatched<'a, 'b>(pooled, plan.Ordered, plan.Window, known)
            | _ -> Unchecked.defaultof<_>
        | WithToken _ -> Unchecked.defaultof<_>

    let isBatched = not (isNull (box batched))

    let take: Take<'a, 'b> =
        if isBatched then
            batched
        elif plan.Ordered then
            TakeInOrder(capacity)
        elif plan.Window = Int32.MaxValue && isNull stop then
            TakeFixedSet(known)
        else
            TakeAsCompleted()

    let input = InputPump<'a>(plan.Input, token)

    // The calls that were given the token, so that DisposeAsync can wait for them.
    let running =
        match plan.Start with
        | WithToken _ -> RunningCalls()
        | Plain _ -> null

    let mutable stopped = false
    let mutable disposed = false
    let mutable current = Unchecked.defaultof<'r>

    let timedOut () = not (isNull stop) && stop.TimedOut

    let cancelled () = not (isNull stop) && stop.Cancelled

    let stopping () = stopped || timedOut () || cancelled ()

    let startTask (item: 'a) =
        let work =
            Start.guarded (fun () -> ArgumentNullException(plan.NullTaskParameter, plan.NullTaskMessage)) (fun () ->
                match plan.Start with
                | Plain f -> f item
                | WithToken f -> f item token)

        if not (isNull running) then
            running.Track work

        take.Add(item, work)

    let start (item: 'a) =
        if not isBatched then
            startTask item
        else
            batched.Submit item

    /// Starts calls until the window is full, the input is exhausted or waits. start never throws: whatever
    /// throws is the input's failure, and one protected region around the loop keeps the per-item path free
    /// of exception handling.
    let fill () =
        input.Open()
        let mutable item = Unchecked.defaultof<'a>

        if input.TakeCompletedMove(stopping (), &item) then
            start item

        try
            while not stopped
                  && input.CanMove
                  && take.InWindow < plan.Window
                  && not (timedOut ())
                  && not (cancelled ()) do
                if input.Next(stopping (), &item) then
                    start item
        with e ->
            input.Failed e

        if input.Exhausted && not stopped then
            take.InputEnded()

    let abandon () =
        if not stopped then
            stopped <- true

            // Ends the input's pending move and every wait of the pass.
            if not (isNull stop) then
                stop.Stop()

            take.Abandon()
            input.Abandon()

    let fail (e: exn) : 'x =
        abandon ()
        Runtime.ExceptionServices.ExceptionDispatchInfo.Throw e
        Unchecked.defaultof<'x>

    let stopReason () : exn = stop.Error take.InWindow

    /// A call given the token that ended in a cancellation after the deadline or a cancellation of the pass: the
    /// pass's stop, not the call, ends the pass.
    let endedByStop (fault: exn) =
        not (isNull running)
        && (timedOut () || cancelled ())
        && (fault :? OperationCanceledException
            || (fault :? AggregateException
                && (fault.InnerException :? OperationCanceledException)))

    /// Takes the next result into current if one is ready.
    let tryTake () =
        let mutable item = Unchecked.defaultof<'a>
        let mutable result = Unchecked.defaultof<'b>
        let mutable fault: exn = null

        match take.TryTake(input.Exhausted, &item, &result, &fault) with
        | Yielded ->
            current <-
                plan.Project
                    item
                    (if isNull fault then result
                     elif endedByStop fault then fail (stopReason ())
                     else fail fault)

            Yielded
        | step -> step

    /// The pass has yielded everything: it ends, with the input's failure if the input failed.
    let ended () =
        if stopped || isNull input.Fault then
            false
        else
            fail input.Fault

    let slowMove () : Task<bool> =
        task {
            try
                let mutable outcome = Pending

                while outcome.IsPending do
                    match take.Wait(input.PendingMove, token) with
                    | OnMove move ->
                        let! moved = move.ConfigureAwait(false)
                        take.Moved moved
                    | OnTask progress -> do! progress.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                    // Disposed while this move waited: the pass has ended.
                    if stopped then
                        outcome <- Finished
                    else
                        if cancelled () then
                            fail (stopReason ())

                        fill ()
                        outcome <- tryTake ()

                        // Past the deadline, a result that is already there is still taken first.
                        if outcome.IsPending && timedOut () then
                            fail (stopReason ())

                return if outcome.IsFinished then ended () else true
            with e ->
                // Whatever went wrong (also a failure while filling from the input) stops the pass.
                return fail e
        }

    member _.Current = current

    member _.MoveNextAsync() : ValueTask<bool> =
        if stopped then
            ValueTask<bool> false
        else
            try
                StopSignal.ArmIfAny stop

                if cancelled () then
                    fail (stopReason ())

                // An input that has ended has nothing more to give (the fill that saw it end told the strategy).
                if not input.Exhausted then
                    fill ()

                match tryTake () with
                | Yielded -> ValueTask<bool> true
                | Finished -> ValueTask<bool>(ended ())
                | Pending when timedOut () -> fail (stopReason ())
                | Pending -> ValueTask<bool>(slowMove ())
            with e ->
                abandon ()
                ValueTask<bool>(Task.FromException<bool> e)

    member _.DisposeAsync() : ValueTask =
        if disposed then
            ValueTask()
        else
            disposed <- true
            // Stops the pass if it still runs; either way the input's pending move has been told to end.
            abandon ()

            let finish () =
                if not (isNull stop) then
                    stop.Dispose()

                take.Dispose()

            if isNull running then
                input.Close finish
            else
                // The calls were given the stop's token: it is released only once every call has finished.
                let closing = input.Close(ignore).AsTask()

                ValueTask(
                    task {
                        do! closing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)
                        do! running.Close().ConfigureAwait(false)
                        finish ()
                        // Raises the input's failure to dispose, if any.
                        do! closing.ConfigureAwait(false)
                    }
                )

    interface IAsyncEnumerator<'r> with
        member this.Current = this.Current
        member this.MoveNextAsync() = this.MoveNextAsync()
        member this.DisposeAsync() = this.DisposeAsync()

/// A cold sequence: every enumeration runs the plan anew.
[<Sealed>]
type internal Stream<'a, 'b, 'r>(plan: Plan<'a, 'b, 'r>) =
    interface IAsyncEnumerable<'r> with
        member _.GetAsyncEnumerator(cancellationToken) =
            new Pass<'a, 'b, 'r>(plan, cancellationToken)
