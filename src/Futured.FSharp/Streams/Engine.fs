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
        /// The clock of the deadline (TimeProvider.System but in tests).
        Clock: TimeProvider
        /// The parameter a null task stands for (the input, or the function that returned it), and what the
        /// ArgumentNullException says.
        NullTaskParameter: string
        NullTaskMessage: string
    }

/// One pass over a plan. The consumer drives it: every MoveNextAsync first tops the window up from
/// the input, then yields the next result (the head of the queue in order, or the next
/// completion). Completions reach an unbounded single-reader channel from each task's own
/// continuation, so as-completed work is O(1) per completion. A plain as-completed pass over a
/// sequence (no bound, nothing that can stop it) starts every call in its first move and then waits on
/// one Task.WhenEach over the whole set instead, which needs no continuation object per task.
///
/// How a pass ends. A faulted task (or a null one, or a call that throws) surfaces at its place and ends
/// the pass. A failure of the input itself (a seq that throws, an asynchronous MoveNextAsync that throws or
/// faults) is the input's last element: every call already started is yielded first, then the failure. A
/// deadline yields every result already available, then TimeoutException; a cancellation raises
/// OperationCanceledException at once. Every stop (fault, deadline, cancellation, early DisposeAsync) cancels
/// the token the asynchronous input was given, so its pending MoveNextAsync ends, and DisposeAsync waits for
/// that move before disposing the input.
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

    // A stop signal exists only when something can stop the pass from outside or an asynchronous input must
    // be told to stop.
    let stop =
        if
            StopSignal.CanStop(plan.Timeout, plan.CancellationToken, consumerToken)
            || (match plan.Input with
                | FromTaskSeq _ -> true
                | FromSeq _ -> false)
        then
            new StopSignal(plan.Timeout, plan.Clock, plan.CancellationToken, consumerToken)
        else
            null

    // As completed, unbounded, from a sequence, unstoppable: the first fill starts every call, so the
    // set of tasks is fixed from then on (see the fixed-set members below).
    let fixedSetPass = not plan.Ordered && plan.Window = Int32.MaxValue && isNull stop

    let completions =
        if plan.Ordered || fixedSetPass then
            null
        else
            Channel.CreateUnbounded<struct ('a * Task<'b>)>(UnboundedChannelOptions(SingleReader = true))

    let token = if isNull stop then CancellationToken.None else stop.Token

    let mutable syncInput: IEnumerator<'a> = null
    let mutable asyncInput: IAsyncEnumerator<'a> = null
    let mutable pendingMove: Task<bool> = null
    let mutable exhausted = false
    let mutable inWindow = 0
    let mutable stopped = false
    let mutable disposed = false
    // The input's own failure, raised once every call started before it has been yielded.
    let mutable inputFault: exn = null
    let mutable current = Unchecked.defaultof<'r>

    // The fixed set: every started task in input order, their input items (null while every item is
    // its own task, as for asCompleted), one Task.WhenEach over the tasks, the item of each task and
    // the items of tasks that appear more than once, and the WhenEach move being waited for.
    let itemsCanBeTasks = typeof<'a> = typeof<Task<'b>>
    let mutable startedTasks: ResizeArray<Task<'b>> = null
    let mutable startedItems: ResizeArray<'a> = null
    let mutable whenEach: IAsyncEnumerator<Task<'b>> = null
    let mutable itemOf: Dictionary<Task<'b>, 'a> = null
    let mutable repeatedItemsOf: Dictionary<Task<'b>, Queue<'a>> = null
    let mutable whenEachMove = ValueTask<bool>()
    let mutable whenEachMovePending = false

    let timedOut () = not (isNull stop) && stop.TimedOut

    let cancelled () = not (isNull stop) && stop.Cancelled

    let enqueue (item: 'a) (work: Task<'b>) =
        inWindow <- inWindow + 1

        if plan.Ordered then
            ordered.Enqueue(struct (item, work))
        elif fixedSetPass then
            if isNull startedTasks then
                startedTasks <-
                    match plan.Input with
                    | FromSeq(:? IReadOnlyCollection<'a> as c) -> ResizeArray(c.Count)
                    | FromSeq(:? ICollection<'a> as c) -> ResizeArray(c.Count)
                    | _ -> ResizeArray()

            // `box item` runs only when 'a is Task<'b>, a reference type: it allocates nothing.
            if
                isNull startedItems
                && not (itemsCanBeTasks && obj.ReferenceEquals(box item, work))
            then
                startedItems <- ResizeArray(startedTasks.Capacity)

                // Every earlier item was its own task.
                for t in startedTasks do
                    startedItems.Add(unbox<'a>(box t))

            startedTasks.Add work

            if not (isNull startedItems) then
                startedItems.Add item
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
                match plan.Start item with
                | null -> Task.FromException<'b>(ArgumentNullException(plan.NullTaskParameter, plan.NullTaskMessage))
                | work -> work
            with e ->
                Task.FromException<'b> e

        enqueue item work

    /// The input failed: nothing more is taken from it, and the failure surfaces after every started call.
    let inputFailed (e: exn) =
        inputFault <- e
        exhausted <- true

    let openInput () =
        try
            match plan.Input with
            | FromSeq xs -> syncInput <- xs.GetEnumerator()
            | FromTaskSeq xs -> asyncInput <- xs.GetAsyncEnumerator token
        with e ->
            inputFailed e

    /// Takes the item of a successful asynchronous move, or notes that the input has ended.
    let onAsyncMoved (moved: bool) =
        if moved then
            start asyncInput.Current
        else
            exhausted <- true

    /// Takes the outcome of an asynchronous move that has completed; a throwing Current is a failure of the input.
    let onMoveCompleted (move: Task<bool>) =
        if move.IsCompletedSuccessfully then
            try
                onAsyncMoved move.Result
            with e ->
                inputFailed e
        elif move.IsCanceled && (timedOut () || cancelled () || stopped) then
            // The pass's own stop cancelled the move: the stop, not the input, ends the pass.
            ()
        else
            inputFailed (Observe.faultOf move)

    /// Turns the calls started by the first fill into one Task.WhenEach and maps each task back to its item.
    let fixSet () =
        if not (isNull startedItems) then
            itemOf <- Dictionary<Task<'b>, 'a>(startedTasks.Count, HashIdentity.Reference)

            for i in 0 .. startedTasks.Count - 1 do
                let work, item = startedTasks[i], startedItems[i]

                if not (itemOf.TryAdd(work, item)) then
                    if isNull repeatedItemsOf then
                        repeatedItemsOf <- Dictionary<Task<'b>, Queue<'a>>(HashIdentity.Reference)

                    match repeatedItemsOf.TryGetValue work with
                    | true, items -> items.Enqueue item
                    | _ ->
                        let items = Queue<'a>()
                        items.Enqueue item
                        repeatedItemsOf[work] <- items

            startedItems <- null

        let tasks: ReadOnlySpan<Task<'b>> =
            Span<Task<'b>>.op_Implicit(Runtime.InteropServices.CollectionsMarshal.AsSpan startedTasks)

        whenEach <- Task.WhenEach(tasks).GetAsyncEnumerator()

    /// The input item a completed task of the fixed set was started for.
    let itemFor (work: Task<'b>) : 'a =
        if isNull itemOf then
            unbox<'a>(box work)
        else
            match
                (if isNull repeatedItemsOf then
                     null
                 else
                     match repeatedItemsOf.TryGetValue work with
                     | true, items when items.Count > 0 -> items
                     | _ -> null)
            with
            | null -> itemOf[work]
            | items -> items.Dequeue()

    /// Starts calls until the window is full, the input is exhausted or waits.
    let fill () =
        if isNull syncInput && isNull asyncInput && not exhausted then
            openInput ()

        if not (isNull pendingMove) && pendingMove.IsCompleted then
            let move = pendingMove
            pendingMove <- null
            onMoveCompleted move

        // Whatever the input throws (MoveNext, Current, MoveNextAsync) is its failure; start never throws. One
        // protected region around the loop keeps the per-item path free of exception handling.
        try
            while not stopped
                  && not exhausted
                  && isNull pendingMove
                  && inWindow < plan.Window
                  && not (timedOut ())
                  && not (cancelled ()) do
                if not (isNull syncInput) then
                    if syncInput.MoveNext() then
                        start syncInput.Current
                    else
                        exhausted <- true
                else
                    let move = asyncInput.MoveNextAsync()

                    if move.IsCompletedSuccessfully then
                        onAsyncMoved move.Result
                    elif move.IsCompleted then
                        onMoveCompleted (move.AsTask())
                    else
                        pendingMove <- move.AsTask()
        with e ->
            inputFailed e

        if
            fixedSetPass
            && exhausted
            && not stopped
            && isNull whenEach
            && not (isNull startedTasks)
        then
            fixSet ()

    let abandon () =
        if not stopped then
            stopped <- true

            // Ends the input's pending move and every wait of the pass.
            if not (isNull stop) then
                stop.Stop()

            for struct (_, work) in ordered do
                Observe.task work

            ordered.Clear()
            Observe.task pendingMove

            // The fixed set has no continuation of its own on each task: observe the ones not yielded.
            if not (isNull startedTasks) then
                for work in startedTasks do
                    Observe.task work

                startedTasks <- null

    let fail (e: exn) : 'x =
        abandon ()
        Runtime.ExceptionServices.ExceptionDispatchInfo.Throw e
        Unchecked.defaultof<'x>

    let unwrap (work: Task<'b>) =
        if work.IsCompletedSuccessfully then
            work.Result
        else
            fail (Observe.faultOf work)

    /// Takes the outcome of a WhenEach move: 1 = a value was put in current, 0 = the pass has ended.
    let takeFromSet (moved: bool) =
        if moved then
            let work = whenEach.Current
            inWindow <- inWindow - 1
            current <- plan.Project (itemFor work) (unwrap work)
            1
        else
            0

    /// 1 = a value was put in current, 0 = the pass has ended, -1 = must wait.
    let tryTake () =
        if fixedSetPass then
            if isNull whenEach then
                if inWindow = 0 && exhausted then 0 else -1
            elif whenEachMovePending then
                -1
            else
                let move = whenEach.MoveNextAsync()

                if move.IsCompletedSuccessfully then
                    takeFromSet move.Result
                else
                    whenEachMove <- move
                    whenEachMovePending <- true
                    -1
        elif plan.Ordered then
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

    let stopReason () : exn = stop.Error inWindow

    /// The pass has yielded everything: it ends, with the input's failure if the input failed.
    let ended () =
        if stopped || isNull inputFault then
            false
        else
            fail inputFault

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
            | true, true -> Task.CompletedTask
            | false, true -> result
            | true, false -> pendingMove
            | false, false -> Task.WhenAny(result, pendingMove)

        if token.CanBeCanceled then any.WaitAsync token else any

    let slowMove () : Task<bool> =
        task {
            try
                let mutable outcome = -1

                while outcome = -1 do
                    if fixedSetPass then
                        if whenEachMovePending then
                            let! moved = whenEachMove.ConfigureAwait(false)
                            whenEachMovePending <- false
                            outcome <- if stopped then 0 else takeFromSet moved
                        else
                            outcome <- if stopped then 0 else tryTake ()
                    else
                        if not plan.Ordered && isNull pendingMove && not token.CanBeCanceled then
                            // Only a completion can come (no input move, nothing can stop the pass): wait on the
                            // channel's own reusable operation instead of a task made from it for every wait.
                            let! _ = completions.Reader.WaitToReadAsync().ConfigureAwait(false)
                            ()
                        else
                            do! waitForProgress().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                        // Disposed while this move waited: the pass has ended.
                        if stopped then
                            outcome <- 0
                        else
                            if cancelled () then
                                fail (stopReason ())

                            fill ()
                            outcome <- tryTake ()

                            // Past the deadline, a result that is already there is still taken first.
                            if outcome = -1 && timedOut () then
                                fail (stopReason ())

                return if outcome = 0 then ended () else true
            with e ->
                // Whatever went wrong (also a failure while filling from the input) stops the pass.
                return fail e
        }

    member _.Current = current

    member _.MoveNextAsync() : ValueTask<bool> =
        if stopped then
            ValueTask<bool> false
        else
            if not (isNull stop) then
                stop.Arm()

            try
                if cancelled () then
                    fail (stopReason ())

                fill ()

                match tryTake () with
                | 1 -> ValueTask<bool> true
                | 0 -> ValueTask<bool>(ended ())
                | _ when timedOut () -> fail (stopReason ())
                | _ -> ValueTask<bool>(slowMove ())
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
                if not (isNull syncInput) then
                    syncInput.Dispose()

                if not (isNull stop) then
                    stop.Dispose()

                // A WhenEach move still waiting keeps its enumerator, which needs no disposal of its own.
                if not (isNull whenEach) && not whenEachMovePending then
                    let disposing = whenEach.DisposeAsync()

                    if not disposing.IsCompleted then
                        Observe.task (disposing.AsTask())

            if isNull asyncInput then
                finish ()
                ValueTask()
            else
                let input = asyncInput
                let move = pendingMove
                pendingMove <- null

                ValueTask(
                    task {
                        try
                            // An asynchronous enumerator must not be disposed while a move is pending.
                            if not (isNull move) then
                                do! (move :> Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

                            do! input.DisposeAsync().ConfigureAwait(false)
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
