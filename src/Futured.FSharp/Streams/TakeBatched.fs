namespace Futured.Internal

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open System.Threading.Tasks.Sources

/// One call of a batched map: its item, its outcome and the ExecutionContext of the move that started it.
[<Struct; NoEquality; NoComparison>]
type internal Slot<'a, 'b> =
    val mutable Item: 'a
    val mutable Result: 'b
    /// What the function threw, or null.
    val mutable Fault: exn
    val mutable Context: ExecutionContext
    /// 1 once the call has ended (written with a full fence after the outcome).
    val mutable Done: int

/// The two counters that the consumer and the drainers write, each on a cache line of its own (seven unused longs on
/// either side: a struct keeps its fields in order), so that neither slows the other's readers.
[<Struct; NoEquality; NoComparison>]
type internal Counters =
    val mutable private a0: int64
    val mutable private a1: int64
    val mutable private a2: int64
    val mutable private a3: int64
    val mutable private a4: int64
    val mutable private a5: int64
    val mutable private a6: int64
    /// Indices given out; written by the consumer only.
    val mutable Submitted: int64
    val mutable private b0: int64
    val mutable private b1: int64
    val mutable private b2: int64
    val mutable private b3: int64
    val mutable private b4: int64
    val mutable private b5: int64
    val mutable private b6: int64
    /// Indices claimed by drainers.
    val mutable Claimed: int64
    val mutable private c0: int64
    val mutable private c1: int64
    val mutable private c2: int64
    val mutable private c3: int64
    val mutable private c4: int64
    val mutable private c5: int64
    val mutable private c6: int64

/// A run of consecutive slots; reused once every slot in it has been taken.
[<Sealed; AllowNullLiteral>]
type internal Chunk<'a, 'b>(size: int) =
    member val Slots: Slot<'a, 'b>[] = Array.zeroCreate size
    /// Slots taken (as completed; consumer only).
    member val Taken = 0 with get, set

/// The consumer's wait for a slot (or, as completed, for any slot): whoever takes it out of TakeBatched's `waiter`
/// field with a compare-exchange signals it, and only that one.
[<AbstractClass; AllowNullLiteral>]
type internal Waiter<'a, 'b>() =
    /// The index of the call waited for; -1 for any completion.
    [<DefaultValue>]
    val mutable Target: int64

    abstract Signal: unit -> unit

/// The waiter of a pass that nothing can stop: one object reused for every wait, awaited to the end each time.
[<Sealed; AllowNullLiteral>]
type internal ReusableWaiter<'a, 'b>() =
    inherit Waiter<'a, 'b>()

    let mutable core =
        ManualResetValueTaskSourceCore<bool>(RunContinuationsAsynchronously = true)

    /// Arms the waiter for a new wait.
    member this.Arm(target: int64) =
        core.Reset()
        this.Target <- target

    /// The wait armed last.
    member this.Wait = ValueTask<bool>(this, core.Version)

    override _.Signal() = core.SetResult true

    interface IValueTaskSource<bool> with
        member _.GetResult(token) = core.GetResult token
        member _.GetStatus(token) = core.GetStatus token

        member _.OnCompleted(continuation, state, token, flags) =
            core.OnCompleted(continuation, state, token, flags)

/// The waiter of a pass that can be stopped: a task, which the pass may stop waiting for.
[<Sealed>]
type internal TaskWaiter<'a, 'b>(target: int64) as this =
    inherit Waiter<'a, 'b>()

    let completion =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    do this.Target <- target

    member _.Task: Task = completion.Task
    override _.Signal() = completion.TrySetResult() |> ignore

/// What the drainers of a batched map share with its consumer: the ring of slots, the counters, the drainers' own
/// state and the consumer's armed wait. Drainers read and write only this object and the slots; the consumer's own
/// state, written for every item, lives in TakeBatched (another object), so that the drainers' reads of this one are
/// never invalidated by those writes. This object is also the work each drainer job runs.
[<Sealed>]
type internal Drainers<'a, 'b>(fn: PoolFunction<'a, 'b>, ordered: bool, chunkSize: int, ringLength: int) =
    inherit PoolWork()

    /// How many times a drainer with no call spins before it ends.
    [<Literal>]
    let SpinLimit = 30

    let pool = fn.Pool
    let f = fn.Function
    let maxDrainers = pool.MaxThreads
    let bits = Numerics.BitOperations.Log2(uint32 chunkSize)

    /// The ring of chunks: chunk number c sits at c modulo its length (a power of two). Written by the consumer.
    let mutable ring: Chunk<'a, 'b>[] = Array.zeroCreate ringLength
    let mutable counters = Counters()
    /// As completed: the indices whose call has ended, in that order.
    let completed = if ordered then null else ConcurrentQueue<int64>()
    /// Drainers queued on the pool or running.
    let mutable active = 0
    /// Drainer jobs queued on the pool and not yet running.
    let mutable queuedJobs = 0
    /// 1 while a drainer spins for a call.
    let mutable spinning = 0
    let mutable abandoned = false
    /// The consumer's armed wait, or null.
    let mutable waiter: Waiter<'a, 'b> = null

    /// What ends a drainer's spin: a call to claim, or the pass's stop (one delegate for the pass).
    let workOrStop =
        Func<bool>(fun () ->
            Volatile.Read &abandoned
            || Volatile.Read &counters.Submitted - Volatile.Read &counters.Claimed > 0L)

    member _.Bits = bits

    /// The ring (the consumer replaces it when it grows).
    member _.Ring
        with get () = Volatile.Read &ring
        and set (value: Chunk<'a, 'b>[]) = Volatile.Write(&ring, value)

    member _.Completed = completed

    member _.Abandon() = Volatile.Write(&abandoned, true)

    static member ChunkOf(ringNow: Chunk<'a, 'b>[], bits: int, index: int64) =
        ringNow[int ((index >>> bits) &&& int64 (ringNow.Length - 1))]

    /// The slot of an index given out and not yet taken.
    member _.SlotOf(index: int64) : byref<Slot<'a, 'b>> =
        &(Drainers<'a, 'b>.ChunkOf(Volatile.Read &ring, bits, index)).Slots[int (index &&& int64 (chunkSize - 1))]

    /// Calls given out and not yet claimed.
    member _.Backlog = Volatile.Read &counters.Submitted - Volatile.Read &counters.Claimed

    /// Claims the next index if one waits.
    member _.TryClaim(index: outref<int64>) =
        let mutable got = false
        let mutable seen = Volatile.Read &counters.Claimed

        while not got && seen < Volatile.Read &counters.Submitted do
            let before = Interlocked.CompareExchange(&counters.Claimed, seen + 1L, seen)

            if before = seen then
                got <- true
                index <- seen
            else
                seen <- before

        got

    /// Arms the consumer's wait (a full fence).
    member _.Arm(armed: Waiter<'a, 'b>) =
        Interlocked.Exchange(&waiter, armed) |> ignore

    /// Takes the armed wait back; false when a drainer has taken it to signal it.
    member _.Disarm(armed: Waiter<'a, 'b>) =
        obj.ReferenceEquals(Interlocked.CompareExchange(&waiter, null, armed), armed)

    /// Publishes a call's outcome and wakes the consumer if it waits for this call (or, as completed, for any).
    member this.Complete(index: int64, slot: byref<Slot<'a, 'b>>) =
        // What the consumer reads after arming its wait (a full fence) must be visible before `waiter` is read here,
        // also behind a full fence: in order, the slot's Done; as completed, the queue. ConcurrentQueue's Enqueue
        // reserves its slot with an interlocked exchange and its peek waits for a reserved slot to be filled, so the
        // fence after it is belt and braces: it keeps this hand-off from depending on the queue's internals.
        if ordered then
            Interlocked.Exchange(&slot.Done, 1) |> ignore
        else
            completed.Enqueue index
            Interlocked.MemoryBarrier()

        let armed = Volatile.Read &waiter

        if
            not (isNull armed)
            && (armed.Target < 0L || armed.Target = index)
            && this.Disarm armed
        then
            armed.Signal()

    /// Runs the call of one index on this thread, in the ExecutionContext that its item was given out in. `installed`
    /// is the context this drainer restored last: consecutive calls from one context (the usual case) restore it once,
    /// and a call that changes it (an AsyncLocal set) makes the next call restore its own again.
    member private this.Run(index: int64, own: ExecutionContext, installed: byref<ExecutionContext>) =
        let slot = &this.SlotOf index

        try
            let context = if isNull slot.Context then own else slot.Context

            if not (obj.ReferenceEquals(context, installed)) then
                ExecutionContext.Restore context
                installed <- context

            slot.Result <- f slot.Item
        with e ->
            slot.Fault <- e

        if not (obj.ReferenceEquals(ExecutionContext.Capture(), installed)) then
            installed <- null

        // A call that left a SynchronizationContext on the thread leaves it to itself, as a task's run would.
        if not (isNull SynchronizationContext.Current) then
            SynchronizationContext.SetSynchronizationContext null

        this.Complete(index, &slot)

    /// Claims a drainer's place if fewer than the bound are active.
    member private _.ClaimPlace() =
        let mutable claimed = false
        let mutable seen = Volatile.Read &active

        while not claimed && seen < maxDrainers do
            let before = Interlocked.CompareExchange(&active, seen + 1, seen)

            if before = seen then claimed <- true else seen <- before

        claimed

    /// Spins briefly for a call to claim (or the pass's stop); one drainer at a time.
    member private _.SpinForWork() =
        Spin.forWork &spinning SpinLimit workOrStop

    /// A claimed drainer's place goes to a new job of the pool. On a closed pool the place is given back and, when
    /// no drainer is left, every call not claimed ends in ObjectDisposedException.
    member private this.Post() =
        Interlocked.Increment &queuedJobs |> ignore

        if not (pool.Post this) then
            Interlocked.Decrement &queuedJobs |> ignore

            if Interlocked.Decrement &active = 0 then
                let mutable index = 0L

                while this.TryClaim &index do
                    let slot = &this.SlotOf index
                    slot.Fault <- ObjectDisposedException pool.Owner
                    this.Complete(index, &slot)

    /// Publishes one more index given out (its slot written) and starts a drainer if none is on its way.
    member this.Publish(count: int64) =
        // A full fence: the slot is written before a drainer can claim it, and the count before `active` is read.
        Interlocked.Exchange(&counters.Submitted, count) |> ignore

        if
            Volatile.Read &active < maxDrainers
            && Volatile.Read &spinning = 0
            && this.ClaimPlace()
        then
            this.Post()

    /// Runs calls until none is left, the pass stops, or other work waits on the pool.
    override this.Execute() =
        Interlocked.Decrement &queuedJobs |> ignore
        // The owned thread's own context, restored when this job ends.
        let own = ExecutionContext.Capture()
        let mutable installed = own
        let mutable go = true
        let mutable index = 0L

        while go do
            if not (Volatile.Read &abandoned) && this.TryClaim &index then
                // More calls wait and no drainer is on its way: recruit one before this call (which may block) runs.
                if
                    Volatile.Read &active < maxDrainers
                    && this.Backlog > 0L
                    && Volatile.Read &spinning = 0
                    && this.ClaimPlace()
                then
                    this.Post()

                this.Run(index, own, &installed)

                // Work other than this map's own drainers waits for an owned thread: this drainer goes to the end of
                // the pool's queue.
                if pool.HasQueued && Volatile.Read &queuedJobs = 0 && this.Backlog > 0L then
                    go <- false
                    this.Post()
            elif not (Volatile.Read &abandoned) && this.SpinForWork() then
                ()
            else
                Interlocked.Decrement &active |> ignore

                // A call given out after the claim above failed saw this drainer still active and started none: take
                // it back (the decrement is a full fence, and so is the consumer's Publish before it reads `active`).
                go <- not (Volatile.Read &abandoned) && this.Backlog > 0L && this.ClaimPlace()

        if not (obj.ReferenceEquals(installed, own)) then
            ExecutionContext.Restore own

/// A map over a function of an owned pool (PoolFunction) without a task per call. Each item takes the next index and
/// its slot; up to the pool's bound of drainers (each one job of the pool, with no task) claim the indices in input
/// order and run the calls one after another on owned threads. The consumer takes the results in input order (the
/// slot of the next index) or as completed (a queue of indices), and waits only when the result it needs is not
/// there; the drainer that ends that call wakes it. Slots live in chunks on a ring that grows with the calls in flight
/// and reuses a chunk once all its slots are taken, so a bounded map allocates nothing per item.
///
/// Like OwnThreads itself, a drainer that finds no call spins briefly before it ends (one at a time), a new item
/// starts no drainer while one spins, and a drainer that claims a call while more wait recruits another (up to the
/// bound) before it runs it: calls that block fan out over the pool's threads, trivial calls stay on one or two.
///
/// Each call runs in the ExecutionContext of the move that started it, as a call's task would. A drainer that sees
/// other work queued on the pool after a call puts itself back at the end of the pool's queue, so a map shares its
/// executor in the pool's FIFO order instead of holding its threads until its input ends. When the pass stops, the
/// calls that have not started are dropped (as Python's Executor.map cancels its pending futures); those running
/// finish on their threads and their outcome is dropped. On a closed pool the calls that no drainer can take end in
/// ObjectDisposedException, as a call's task would.
[<Sealed>]
type internal TakeBatched<'a, 'b>(fn: PoolFunction<'a, 'b>, ordered: bool, window: int, known: int) =
    inherit Take<'a, 'b>()

    let chunkSize =
        let wanted =
            if window < Int32.MaxValue then window
            elif known > 0 then known
            else 64

        max 16 (min 1024 (int (Numerics.BitOperations.RoundUpToPowerOf2(uint32 wanted))))

    let ringLength =
        let chunks =
            if window = Int32.MaxValue && known > 0 then
                (known + chunkSize - 1) / chunkSize + 1
            else
                2

        int (Numerics.BitOperations.RoundUpToPowerOf2(uint32 chunks))

    /// Chunks whose slots have all been taken.
    let free = Stack<Chunk<'a, 'b>>()
    // Allocated after the consumer's own objects: see Drainers.
    let shared = Drainers<'a, 'b>(fn, ordered, chunkSize, ringLength)
    let bits = shared.Bits
    /// The oldest chunk number still on the ring.
    let mutable oldest = 0L
    /// Indices given out (the consumer's own copy of the shared count).
    let mutable submitted = 0L
    /// In order: the next index to take.
    let mutable next = 0L
    let mutable reusable: ReusableWaiter<'a, 'b> = null

    /// Gives out the next index to the call of one item.
    member this.Submit(item: 'a) =
        let index = submitted
        let at = int (index &&& int64 (chunkSize - 1))
        let mutable ringNow = shared.Ring

        if at = 0 then
            // The first slot of a new chunk: the ring must hold every chunk from the oldest to this one.
            let number = index >>> bits

            if number - oldest >= int64 ringNow.Length then
                let grown = Array.zeroCreate (ringNow.Length * 2)

                for c in oldest .. number - 1L do
                    grown[int (c &&& int64 (grown.Length - 1))] <- Drainers.ChunkOf(ringNow, bits, c <<< bits)

                ringNow <- grown

            ringNow[int (number &&& int64 (ringNow.Length - 1))] <-
                (if free.Count > 0 then
                     free.Pop()
                 else
                     Chunk<'a, 'b>(chunkSize))

            shared.Ring <- ringNow

        let slot = &(Drainers.ChunkOf(ringNow, bits, index)).Slots[at]
        slot.Item <- item
        // Null when the caller suppressed the flow: the call then runs in the owned thread's own context.
        slot.Context <- ExecutionContext.Capture()
        this.InWindow <- this.InWindow + 1
        submitted <- index + 1L
        shared.Publish submitted

    /// Clears a taken slot and frees its chunk once every slot in it has been taken.
    member private _.Release(index: int64, slot: byref<Slot<'a, 'b>>) =
        slot.Item <- Unchecked.defaultof<'a>
        slot.Result <- Unchecked.defaultof<'b>
        slot.Fault <- null
        slot.Context <- null
        slot.Done <- 0
        let ringNow = shared.Ring
        let chunk = Drainers.ChunkOf(ringNow, bits, index)
        chunk.Taken <- chunk.Taken + 1

        if chunk.Taken = chunkSize then
            chunk.Taken <- 0
            ringNow[int ((index >>> bits) &&& int64 (ringNow.Length - 1))] <- null
            free.Push chunk

            // The oldest chunk moves past every chunk already freed (as completed, chunks free out of order).
            while oldest < (submitted >>> bits)
                  && isNull (Drainers.ChunkOf(ringNow, bits, oldest <<< bits)) do
                oldest <- oldest + 1L

    override _.Add(_, _) =
        raise (InvalidOperationException "A batched map gives out indices, not tasks.")

    override _.TryTakeWork(_, _, _) =
        raise (InvalidOperationException "A batched map has no tasks to take.")

    override this.TryTake(inputEnded, item, result, fault) =
        let mutable index = -1L

        let ready =
            if ordered then
                next < submitted
                && (index <- next
                    Volatile.Read &(shared.SlotOf index).Done = 1)
            else
                shared.Completed.TryDequeue(&index)

        if ready then
            if ordered then
                next <- next + 1L

            this.InWindow <- this.InWindow - 1
            let slot = &shared.SlotOf index
            item <- slot.Item
            result <- slot.Result
            fault <- slot.Fault
            this.Release(index, &slot)
            Yielded
        elif this.InWindow = 0 && inputEnded then
            Finished
        else
            Pending

    override _.Wait(pendingMove, token) =
        if ordered && next = submitted then
            // Nothing started yet (an asynchronous input still waiting): only the input can progress.
            Take<'a, 'b>.Progress(null, pendingMove, token)
        else
            let target = if ordered then next else -1L
            let reuse = isNull pendingMove && not token.CanBeCanceled

            let armed: Waiter<'a, 'b> =
                if reuse then
                    if isNull reusable then
                        reusable <- ReusableWaiter()

                    reusable.Arm target
                    reusable
                else
                    TaskWaiter(target)

            shared.Arm armed

            let readyNow =
                if ordered then
                    Volatile.Read &(shared.SlotOf target).Done = 1
                else
                    not shared.Completed.IsEmpty

            if readyNow && shared.Disarm armed then
                // Ready before anyone could signal: no wait.
                OnTask Task.CompletedTask
            elif reuse then
                OnMove reusable.Wait
            else
                Take<'a, 'b>.Progress((armed :?> TaskWaiter<'a, 'b>).Task, pendingMove, token)

    override _.Abandon() = shared.Abandon()
