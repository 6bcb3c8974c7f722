namespace Futured.Internal

open System
open System.Threading

/// The deadline and cancellation of one enumeration, shared by the stream engine's passes and a task set's
/// enumerations so that both follow the same rule: the deadline's clock starts at the first MoveNextAsync (Arm),
/// Timeout.InfiniteTimeSpan means no deadline, the options' token and the consumer's token (the one given to
/// GetAsyncEnumerator) cancel the enumeration, and one token is cancelled by any of these or by the enumeration's
/// own stop (a fault, an early DisposeAsync), so that every wait of the enumeration and its asynchronous input
/// end together.
[<Sealed; AllowNullLiteral>]
type internal StopSignal
    (timeout: TimeSpan voption, clock: TimeProvider, options: CancellationToken, consumer: CancellationToken) =

    let deadline =
        match timeout with
        | ValueSome t when t <> Timeout.InfiniteTimeSpan ->
            // The clock is not started here but by Arm; a test clock creates its timer now, stopped.
            if obj.ReferenceEquals(clock, TimeProvider.System) then
                new CancellationTokenSource()
            else
                new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock)
        | _ -> null

    let source =
        let tokens =
            [|
                if not (isNull deadline) then
                    deadline.Token
                if options.CanBeCanceled then
                    options
                if consumer.CanBeCanceled then
                    consumer
            |]

        if tokens.Length = 0 then
            new CancellationTokenSource()
        else
            CancellationTokenSource.CreateLinkedTokenSource tokens

    let mutable armed = false
    let mutable stopped = 0

    /// Whether an enumeration with this timeout and these tokens can be stopped from outside at all.
    static member CanStop(timeout: TimeSpan voption, options: CancellationToken, consumer: CancellationToken) =
        options.CanBeCanceled
        || consumer.CanBeCanceled
        || (match timeout with
            | ValueSome t -> t <> Timeout.InfiniteTimeSpan
            | ValueNone -> false)

    /// The message of the TimeoutException every enumeration raises when its deadline passes.
    static member TimeoutMessage (timeout: TimeSpan) (pending: int) =
        $"The deadline of {timeout} passed with {pending} task(s) still pending."

    /// Cancelled when the deadline passes, either token is cancelled, or Stop is called.
    member _.Token = source.Token

    /// Starts the deadline's clock; only the first call counts.
    member _.Arm() =
        if not armed then
            armed <- true

            if not (isNull deadline) then
                deadline.CancelAfter timeout.Value

    /// Starts the clock of a signal if there is one (an enumeration that nothing can stop has none).
    static member ArmIfAny(signal: StopSignal) =
        if not (isNull signal) then
            signal.Arm()

    /// The deadline has passed.
    member _.TimedOut = not (isNull deadline) && deadline.IsCancellationRequested

    /// The options' token or the consumer's token has been cancelled.
    member _.Cancelled =
        options.IsCancellationRequested || consumer.IsCancellationRequested

    /// The exception that ends the enumeration after the deadline or a cancellation; pending is how many of its
    /// tasks were still to be yielded.
    member this.Error(pending: int) : exn =
        if this.TimedOut then
            TimeoutException(StopSignal.TimeoutMessage timeout.Value pending)
        else
            OperationCanceledException(
                "The enumeration was cancelled.",
                (if options.IsCancellationRequested then
                     options
                 else
                     consumer)
            )

    /// Cancels the token once (the enumeration stops for any reason); never throws.
    member _.Stop() =
        if Interlocked.Exchange(&stopped, 1) = 0 then
            try
                source.Cancel()
            with _ ->
                // A callback registered by the input or a call failed; its own task carries that failure.
                ()

    /// Releases the timer and the links to the tokens.
    member _.Dispose() =
        source.Dispose()

        if not (isNull deadline) then
            deadline.Dispose()
