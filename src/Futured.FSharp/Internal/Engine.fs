namespace Futured.Internal

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks

/// Where the engine takes its input from.
[<NoComparison; NoEquality>]
type internal Input<'a> =
    | FromSeq of seq<'a>
    | FromTaskSeq of IAsyncEnumerable<'a>

/// Everything one streaming run needs to know.
[<NoComparison; NoEquality>]
type internal Plan<'a, 'b, 'r> =
    {
        Input: Input<'a>
        /// Starts the call for one input item (or returns a task that already runs).
        Start: 'a -> Task<'b>
        /// Builds the yielded value from the item and its result.
        Project: 'a -> 'b -> 'r
        Ordered: bool
        /// Most calls started but not yet yielded; Int32.MaxValue means no bound.
        Window: int
        Timeout: TimeSpan voption
        CancellationToken: CancellationToken
    }

/// One pass over a plan. The consumer drives it: every MoveNextAsync first tops the window up from
/// the input, then yields the next result (the head of the queue in order, or the next
/// completion). Completions reach an unbounded single-reader channel from each task's own
/// continuation, so as-completed work is O(1) per completion.
[<Sealed>]
type internal Pass<'a, 'b, 'r>(plan: Plan<'a, 'b, 'r>, consumerToken: CancellationToken) =
    // Sized once from what is known up front (the window, or the length of a collection input) so that a
    // large unbounded run does not regrow and recopy the queue, whose big arrays would each land on the
    // large object heap and bring on full collections.
    let ordered =
        if not plan.Ordered then
            Queue<struct ('a * Task<'b>)>()
        else
            let known =
                match plan.Input with
                | FromSeq(:? IReadOnlyCollection<'a> as c) -> c.Count
                | FromSeq(:? ICollection<'a> as c) -> c.Count
                | _ -> 0

            Queue<struct ('a * Task<'b>)>(
                if plan.Window = Int32.MaxValue then known
                elif known > 0 then min plan.Window known
                else min plan.Window 1024
            )

    let completions =
        if plan.Ordered then
            null
        else
            Channel.CreateUnbounded<struct ('a * Task<'b>)>(UnboundedChannelOptions(SingleReader = true))

    // A token source exists only when something can stop the pass from outside or an
    // asynchronous input must be told to stop.
    let needsSource =
        plan.Timeout.IsSome
        || plan.CancellationToken.CanBeCanceled
        || consumerToken.CanBeCanceled
        || (match plan.Input with
            | FromTaskSeq _ -> true
            | FromSeq _ -> false)

    let deadline =
        match plan.Timeout with
        | ValueSome t when t <> Timeout.InfiniteTimeSpan -> new CancellationTokenSource(t)
        | _ -> null

    let stopSource =
        if not needsSource then
            null
        else
            let tokens =
                [|
                    if not (isNull deadline) then
                        deadline.Token
                    if plan.CancellationToken.CanBeCanceled then
                        plan.CancellationToken
                    if consumerToken.CanBeCanceled then
                        consumerToken
                |]

            if tokens.Length = 0 then
                new CancellationTokenSource()
            else
                CancellationTokenSource.CreateLinkedTokenSource tokens

    let token =
        if isNull stopSource then
            CancellationToken.None
        else
            stopSource.Token

    let mutable syncInput: IEnumerator<'a> = null
    let mutable asyncInput: IAsyncEnumerator<'a> = null
    let mutable pendingMove: Task<bool> = null
    let mutable exhausted = false
    let mutable inWindow = 0
    let mutable stopped = false
    let mutable current = Unchecked.defaultof<'r>

    let timedOut () =
        not (isNull deadline) && deadline.IsCancellationRequested

    let cancelled () =
        (plan.CancellationToken.IsCancellationRequested
         || consumerToken.IsCancellationRequested)

    let enqueue (item: 'a) (work: Task<'b>) =
        inWindow <- inWindow + 1

        if plan.Ordered then
            ordered.Enqueue(struct (item, work))
        elif work.IsCompleted then
            if work.IsFaulted then
                work.Exception |> ignore

            completions.Writer.TryWrite(struct (item, work)) |> ignore
        else
            let writer = completions.Writer

            work
                .ConfigureAwait(false)
                .GetAwaiter()
                .UnsafeOnCompleted(fun () ->
                    // Observed here so that a fault abandoned by an early stop never goes unobserved.
                    if work.IsFaulted then
                        work.Exception |> ignore

                    writer.TryWrite(struct (item, work)) |> ignore)

    let start (item: 'a) =
        let work =
            try
                plan.Start item
            with e ->
                Task.FromException<'b> e

        enqueue item work

    let openInput () =
        match plan.Input with
        | FromSeq xs -> syncInput <- xs.GetEnumerator()
        | FromTaskSeq xs -> asyncInput <- xs.GetAsyncEnumerator token

    let onMoved (moved: bool) =
        if moved then
            start (
                if isNull syncInput then
                    asyncInput.Current
                else
                    syncInput.Current
            )
        else
            exhausted <- true

    /// Starts calls until the window is full, the input is exhausted or waits.
    let fill () =
        if isNull syncInput && isNull asyncInput && not exhausted then
            openInput ()

        while not stopped
              && not exhausted
              && isNull pendingMove
              && inWindow < plan.Window
              && not (timedOut ())
              && not (cancelled ()) do
            if not (isNull syncInput) then
                onMoved (syncInput.MoveNext())
            else
                let move = asyncInput.MoveNextAsync()

                if move.IsCompletedSuccessfully then
                    onMoved move.Result
                else
                    pendingMove <- move.AsTask()

    let abandon () =
        stopped <- true

        for struct (_, work) in ordered do
            Observe.task work

        ordered.Clear()
        Observe.task pendingMove

    let fail (e: exn) : 'x =
        abandon ()
        Runtime.ExceptionServices.ExceptionDispatchInfo.Throw e
        Unchecked.defaultof<'x>

    let unwrap (work: Task<'b>) =
        if work.IsCompletedSuccessfully then
            work.Result
        else
            fail (Observe.faultOf work)

    /// 1 = a value was put in current, 0 = the pass has ended, -1 = must wait.
    let tryTake () =
        if plan.Ordered then
            if ordered.Count > 0 then
                let struct (item, work) = ordered.Peek()

                if work.IsCompleted then
                    ordered.Dequeue() |> ignore
                    inWindow <- inWindow - 1
                    current <- plan.Project item (unwrap work)
                    1
                else
                    -1
            elif exhausted then
                0
            else
                -1
        else
            let mutable ready = Unchecked.defaultof<_>

            if completions.Reader.TryRead(&ready) then
                let struct (item, work) = ready
                inWindow <- inWindow - 1
                current <- plan.Project item (unwrap work)
                1
            elif inWindow = 0 && exhausted then
                0
            else
                -1

    let stopReason () : exn =
        if timedOut () then
            TimeoutException($"The deadline of {plan.Timeout.Value} passed with {inWindow} result(s) still pending.")
        else
            OperationCanceledException(
                "The enumeration was cancelled.",
                (if plan.CancellationToken.IsCancellationRequested then
                     plan.CancellationToken
                 else
                     consumerToken)
            )

    let waitForProgress () : Task =
        let result: Task =
            if plan.Ordered then
                // With nothing started yet (an asynchronous input still waiting), only the input can progress.
                if ordered.Count = 0 then
                    null
                else
                    let struct (_, head) = ordered.Peek()
                    head
            else
                completions.Reader.WaitToReadAsync(token).AsTask()

        let any =
            match isNull result, isNull pendingMove with
            | _, true -> result
            | true, false -> pendingMove
            | false, false -> Task.WhenAny(result, pendingMove)

        if token.CanBeCanceled then any.WaitAsync token else any

    let rec slowMove () : Task<bool> =
        task {
            let mutable outcome = -1

            while outcome = -1 do
                if timedOut () || cancelled () then
                    fail (stopReason ())

                if not plan.Ordered && isNull pendingMove && not token.CanBeCanceled then
                    // Only a completion can come (no input move, nothing can stop the pass): wait on the
                    // channel's own reusable operation instead of a task made from it for every wait.
                    let! _ = completions.Reader.WaitToReadAsync()
                    ()
                else
                    do! waitForProgress().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                // Disposed while this move waited: the pass has ended.
                if stopped then
                    outcome <- 0
                else
                    if not (isNull pendingMove) && pendingMove.IsCompleted then
                        let move = pendingMove
                        pendingMove <- null

                        if move.IsFaulted || move.IsCanceled then
                            if move.IsCanceled && (timedOut () || cancelled ()) then
                                fail (stopReason ())
                            else
                                fail (Observe.faultOf move)
                        else
                            onMoved move.Result

                    fill ()
                    outcome <- tryTake ()

            return outcome = 1
        }

    member _.Current = current

    member _.MoveNextAsync() : ValueTask<bool> =
        if stopped then
            ValueTask<bool> false
        else
            try
                if cancelled () then
                    fail (stopReason ())

                fill ()

                match tryTake () with
                | 1 -> ValueTask<bool> true
                | 0 -> ValueTask<bool> false
                | _ when timedOut () -> fail (stopReason ())
                | _ -> ValueTask<bool>(slowMove ())
            with e ->
                abandon ()
                ValueTask<bool>(Task.FromException<bool> e)

    member _.DisposeAsync() : ValueTask =
        let wasRunning = not stopped
        abandon ()

        if wasRunning && not (isNull stopSource) then
            try
                stopSource.Cancel()
            with _ ->
                ()

        let finish () =
            if not (isNull syncInput) then
                syncInput.Dispose()

            if not (isNull stopSource) then
                stopSource.Dispose()

            if not (isNull deadline) then
                deadline.Dispose()

        if isNull asyncInput then
            finish ()
            ValueTask()
        else
            let input = asyncInput
            let move = pendingMove

            ValueTask(
                task {
                    try
                        if not (isNull move) then
                            do! (move :> Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                        do! input.DisposeAsync()
                    finally
                        finish ()
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
