namespace Futured.Internal

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks

/// Work an owned thread runs without a task of its own (the drainers of a batched map, TakeBatched): it must never
/// throw, and it runs in the owned thread's own ExecutionContext (it restores its callers' contexts itself).
[<AbstractClass>]
type internal PoolWork() =
    /// Runs the work on an owned thread.
    abstract Execute: unit -> unit

/// A brief spin for work before a thread sleeps or a job ends, one spinner at a time (OwnThreads, TakeBatched).
module internal Spin =
    /// Spins up to `limit` times until `found` holds (a delegate kept by its owner: a closure made for each spin
    /// would allocate); false at once when another thread already spins on the same flag. The flag is reset with a
    /// full fence: a producer that saw it set made its work visible before the check that the spinner makes
    /// afterwards.
    let forWork (spinning: byref<int>) (limit: int) (found: Func<bool>) =
        if Interlocked.CompareExchange(&spinning, 1, 0) <> 0 then
            false
        else
            let mutable hit = false

            try
                let mutable spinner = SpinWait()
                let mutable i = 0

                while not hit && i < limit do
                    spinner.SpinOnce(-1)
                    hit <- found.Invoke()
                    i <- i + 1
            finally
                Interlocked.Exchange(&spinning, 0) |> ignore

            hit

/// A pool of dedicated threads for blocking work, the engine of `threaded` and `Threaded`: up to
/// `maxThreads` background threads of its own, started on demand when a call is queued and no owned
/// thread is idle, each retired after `idleTime` without work (for `threaded`'s pools, at once when 256
/// idle threads of such pools already wait), so that an idle pool holds no thread.
/// Calls start in FIFO order; at most `maxThreads` run at once (the queue is the bound: no other
/// admission step is needed). A call is a cold `Task` created here and run on an owned thread with
/// `RunSynchronously`: the task is the only allocation of a call, it captures the caller's
/// ExecutionContext, records the function's exception as its fault, and a token that fires while it
/// waits cancels it at once (an unstarted task is cancelled on the spot) so that it never runs.
/// Continuations of a call's task run asynchronously, never on an owned thread, which stays free for
/// the next blocking call. A closable pool (`Threaded`) also counts accepted calls, so that `Close`
/// refuses new ones and completes when every accepted call has finished.
[<Sealed; AllowNullLiteral>]
type internal OwnThreads(maxThreads: int, idleTime: TimeSpan, closable: bool, owner: string) =
    // Accepted calls not yet finished, with the closed flag in a high bit (closable pools only).
    [<Literal>]
    let Closed = 0x40000000

    /// Calls that may spin for new work before an owned thread sleeps; kept short, since the
    /// machine may have fewer cores than the pool has threads.
    [<Literal>]
    let SpinLimit = 30

    /// The most idle threads kept asleep across the pools of `threaded`; more retire at once.
    [<Literal>]
    let SleepersKept = 256

    /// Owned threads asleep in the pools of `threaded` (pools that are not closable).
    static let mutable sleepers = 0

    let threadName = $"Futured {owner}"
    let queue = ConcurrentQueue<obj>()
    // Guards the sleep and wake transitions; every counter below is written with interlocked
    // operations (full fences) so that a producer can read them without the lock.
    let gate = obj ()
    /// Owned threads alive.
    let mutable threads = 0
    /// Owned threads asleep in Monitor.Wait that no producer has claimed yet.
    let mutable idle = 0
    /// Wake-ups signalled to sleepers and not yet taken by one.
    let mutable signals = 0
    /// Threads started and not yet running their loop.
    let mutable starting = 0
    /// Threads spinning for work before they sleep.
    let mutable spinning = 0
    let mutable accepted = 0

    let drained =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    let finishOne () =
        if Interlocked.Decrement &accepted = Closed then
            drained.TrySetResult() |> ignore

    let isClosed () = Volatile.Read &accepted &&& Closed <> 0

    let options =
        TaskCreationOptions.DenyChildAttach
        ||| TaskCreationOptions.RunContinuationsAsynchronously

    /// Runs one queued call; a call cancelled while it waited is skipped. A thread never dies from
    /// user code: the task records the function's exception.
    let run (queued: obj) =
        match queued with
        | :? Task as call ->
            if not call.IsCompleted then
                try
                    call.RunSynchronously TaskScheduler.Default
                with :? InvalidOperationException ->
                    // Cancelled between the check and the start (or started by someone else): not ours to run.
                    ()
        | work -> (work :?> PoolWork).Execute()

        if closable then
            finishOne ()

    /// True when a queued call may have no thread to take it: no thread spins for work, no wake-up or
    /// start is on its way, and a sleeper can be woken or a thread started.
    let needsThread () =
        Volatile.Read &signals = 0
        && Volatile.Read &starting = 0
        && Volatile.Read &spinning = 0
        && (Volatile.Read &idle > 0 || Volatile.Read &threads < maxThreads)

    /// Spins briefly for new work before sleeping: a producer that is about to queue the next call
    /// then costs no kernel wake-up.
    /// Whether a call waits in the queue (one delegate for the pool, not one per spin).
    let queued = Func<bool>(fun () -> not queue.IsEmpty)

    let spinForWork () = Spin.forWork &spinning SpinLimit queued

    let rec work () =
        Interlocked.Decrement &starting |> ignore
        let mutable alive = true

        while alive do
            match queue.TryDequeue() with
            | true, call ->
                // More calls wait and no thread is on its way: recruit one before this call blocks.
                if not queue.IsEmpty && needsThread () then
                    // A thread that cannot be started leaves the call to the threads already running.
                    try
                        wake ()
                    with _ ->
                        ()

                run call
            | _ ->
                // An interrupt that user code left pending on this thread surfaces in the next wait of
                // this loop (a yield, the lock, the sleep): it counts as a spurious wake-up, never a death.
                let found =
                    try
                        spinForWork ()
                    with :? ThreadInterruptedException ->
                        true

                if not found then
                    alive <-
                        try
                            sleep ()
                        with :? ThreadInterruptedException ->
                            true

    /// Sleeps until a producer signals work; false when the thread retires (idle too long, or its
    /// pool closed with nothing left to run). Called without the lock held.
    and sleep () =
        lock gate (fun () ->
            Interlocked.Increment &idle |> ignore

            // The increment above is a full fence: a producer either sees this sleeper, or its call is
            // already visible in the queue here.
            if not queue.IsEmpty then
                Interlocked.Decrement &idle |> ignore
                true
            else
                // Beyond a number of idle threads kept across the pools of `threaded` (wrappers made for each
                // call would pile them up), a thread of such a pool retires at once instead of after its idle
                // time. A Threaded executor is disposable, and its threads wait as long as it says.
                let counted = not closable

                let crowded = counted && Interlocked.Increment &sleepers > SleepersKept

                let mutable decided = ValueNone

                while decided.IsNone do
                    let signalled =
                        if crowded || isClosed () then
                            false
                        else
                            try
                                Monitor.Wait(gate, idleTime)
                            with :? ThreadInterruptedException ->
                                true

                    if Volatile.Read &signals > 0 then
                        // A producer claimed a sleeper (and took it off `idle`): this one answers.
                        Interlocked.Decrement &signals |> ignore
                        decided <- ValueSome true
                    elif signalled && not (isClosed ()) then
                        // Another sleeper took the wake-up: wait again.
                        ()
                    else
                        Interlocked.Decrement &idle |> ignore
                        Interlocked.Decrement &threads |> ignore

                        // A producer that read the old thread count may have started no thread for a call
                        // it just queued: check once more after the decrement (a full fence).
                        if queue.IsEmpty then
                            decided <- ValueSome false
                        else
                            Interlocked.Increment &threads |> ignore
                            decided <- ValueSome true

                if counted then
                    Interlocked.Decrement &sleepers |> ignore

                decided.Value)

    /// Wakes a sleeper, or starts a thread when none sleeps and the bound allows.
    and wake () =
        let start =
            lock gate (fun () ->
                if idle > 0 then
                    Interlocked.Decrement &idle |> ignore
                    Interlocked.Increment &signals |> ignore
                    Monitor.Pulse gate
                    false
                elif threads < maxThreads then
                    Interlocked.Increment &threads |> ignore
                    Interlocked.Increment &starting |> ignore
                    true
                else
                    false)

        if start then
            try
                let thread = Thread(ThreadStart work, IsBackground = true, Name = threadName)
                // Not flowing the starter's ExecutionContext: each call runs in its own caller's.
                thread.UnsafeStart()
            with _ ->
                lock gate (fun () ->
                    Interlocked.Decrement &threads |> ignore
                    Interlocked.Decrement &starting |> ignore)

                reraise ()

    /// Counts a call as accepted (a closable pool); false when the pool is closed.
    let admit () =
        let mutable admitted = true

        if closable then
            let mutable counted = false

            while admitted && not counted do
                let seen = Volatile.Read &accepted

                if seen &&& Closed <> 0 then
                    admitted <- false
                else
                    counted <- Interlocked.CompareExchange(&accepted, seen + 1, seen) = seen

        admitted

    /// Queues a call and makes sure a thread will take it.
    let enqueue (call: obj) =
        queue.Enqueue call
        // Orders the enqueue before the reads below (a store followed by loads).
        Interlocked.MemoryBarrier()

        if needsThread () then
            wake ()

    /// The idle time after which an owned thread retires.
    static member DefaultIdleTime = TimeSpan.FromSeconds 5.0

    /// The bound of `threaded`'s pools: Python's ThreadPoolExecutor default, min(32, cores + 4).
    static member ThreadedBound = min 32 (Environment.ProcessorCount + 4)

    /// The most threads this pool owns at once.
    member _.MaxThreads = maxThreads

    /// The owned threads alive now.
    member _.Threads = Volatile.Read &threads

    /// The owned threads asleep, waiting for work.
    member _.Idle = Volatile.Read &idle


    /// True when work waits in the queue for an owned thread.
    member _.HasQueued = not queue.IsEmpty

    /// The name of the pool's owner, which an ObjectDisposedException names.
    member _.Owner = owner

    /// Queues work that runs on an owned thread without a task; false (and nothing queued) on a closed pool.
    /// A closable pool counts it as a call until it returns.
    member _.Post(work: PoolWork) : bool =
        if admit () then
            enqueue work
            true
        else
            false

    /// Queues `call state` to run on an owned thread and returns its task. On a closed pool the task
    /// faults with ObjectDisposedException; with a cancelled token it is cancelled without running.
    member _.Run<'T>(call: Func<obj, 'T>, state: obj, cancellationToken: CancellationToken) : Task<'T> =
        if not (admit ()) then
            Task.FromException<'T>(ObjectDisposedException owner)
        else
            let task = new Task<'T>(call, state, cancellationToken, options)

            if task.IsCompleted then
                // The token was already cancelled: the task is cancelled and nothing is queued.
                if closable then
                    finishOne ()
            else
                enqueue task

            task

    /// Refuses new calls (a closable pool) and returns a task that completes when every accepted call has
    /// finished; threads then retire at once instead of after their idle time (any pool).
    member _.Close() : Task =
        let before = Interlocked.Or(&accepted, Closed)

        if before = 0 then
            drained.TrySetResult() |> ignore

        lock gate (fun () -> Monitor.PulseAll gate)
        drained.Task

/// A function whose calls run `f` on an owned pool, each call a task of its own: one delegate for every call, the
/// argument passed as the task's state. The map family recognises it and runs its calls in batches on the same pool
/// instead (TakeBatched), with no task per call.
[<Sealed>]
type internal PoolFunction<'a, 'b>(pool: OwnThreads, f: 'a -> 'b) =
    inherit FSharpFunc<'a, Task<'b>>()
    let call = Func<obj, 'b>(fun state -> f (unbox<'a> state))

    /// The pool the calls run on.
    member _.Pool = pool

    /// The function each call runs.
    member _.Function = f

    /// This object as the function it is (F# has no upcast to a function type).
    member this.AsFunction: 'a -> Task<'b> = unbox<'a -> Task<'b>>(box this)

    override _.Invoke(x: 'a) =
        pool.Run(call, box x, CancellationToken.None)

/// Turns the C# facade's delegates into F# functions.
[<AbstractClass; Sealed>]
type internal Functions =
    /// The function a delegate stands for: when the delegate is the Invoke of a function of an owned pool (C#'s
    /// `threaded.Wrap` and `Futures.Threaded` return one), that function itself, so that a map over it runs in batches
    /// as it does from F#; otherwise the delegate converted.
    static member OfFunc(f: Func<'a, Task<'b>>) : 'a -> Task<'b> =
        match f.Target with
        | :? PoolFunction<'a, 'b> as pooled when f.Method.Name = "Invoke" -> pooled.AsFunction
        | _ -> FuncConvert.FromFunc f
