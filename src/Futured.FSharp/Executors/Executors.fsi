namespace Futured

open System
open System.Threading
open System.Threading.Tasks

/// <summary>
/// An executor of synchronous work, the abstraction <see cref="T:Futured.Threaded"/> and
/// <see cref="T:Futured.Asynced"/> implement so that functions such as <c>decoratedOn</c> can take any executor.
/// </summary>
type IExecutor =
    /// <summary>Runs one synchronous call on this executor.</summary>
    /// <param name="work">The work to run.</param>
    /// <param name="cancellationToken">Cancels the call while it waits to start: it then never starts and the
    /// task is cancelled. A call that has started runs to completion.</param>
    /// <returns>The task of the call's result; it faults with the work's exception.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>work</c> is null.</exception>
    abstract Submit<'T> : work: (unit -> 'T) * cancellationToken: CancellationToken -> Task<'T>

/// <summary>
/// An executor for blocking synchronous functions with up to <c>maxWorkers</c> dedicated threads of its own
/// (not the shared .NET thread pool): at most <c>maxWorkers</c> calls run at once, each on one of these
/// threads, and further calls queue in FIFO order.
/// </summary>
/// <remarks>
/// <para>Threads start on demand: a queued call starts a new thread when no thread of the executor is idle
/// and fewer than <c>maxWorkers</c> exist, so blocking calls start at once and never wait for the runtime to
/// inject threads. A thread retires after 5 seconds without work, so an idle executor holds no thread. The
/// threads are background threads: they do not keep a process alive. A call runs in its caller's
/// <see cref="T:System.Threading.ExecutionContext"/>; the continuations of its task run on the .NET thread pool,
/// never on the executor's threads.</para>
/// <para>Reusable with many functions. <c>Dispose</c>/<c>DisposeAsync</c> stops accepting work (later calls
/// return a task faulted with <see cref="T:System.ObjectDisposedException"/>) and waits for every call
/// already accepted, queued ones included; the threads then retire at once. <c>Dispose</c> blocks the calling
/// thread while it waits; prefer <c>DisposeAsync</c> (<c>use!</c>, <c>await using</c>) in asynchronous code.</para>
/// </remarks>
[<Sealed>]
type Threaded =
    /// <summary>Creates an executor that owns up to <c>maxWorkers</c> threads; it starts none before the first call.</summary>
    /// <param name="maxWorkers">The most calls that run at once, and the most threads the executor owns.</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    new: maxWorkers: int -> Threaded

    /// Creates an executor whose threads retire after `idleTime` without work (tests use a short one).
    internal new: maxWorkers: int * idleTime: TimeSpan -> Threaded

    /// <summary>The most calls that run at once.</summary>
    member MaxWorkers: int

    /// The pool of this executor's threads.
    member internal Pool: Futured.Internal.OwnThreads

    /// <summary>Wraps a function so that each call runs on this executor and returns a task of its result. The map
    /// family runs the calls of the wrapped function in batches on this executor's threads, with no task per call
    /// (same bound and FIFO order); a stop of such a stream drops the calls it has not started.</summary>
    /// <param name="f">The synchronous function to run.</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Wrap: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// <summary>Runs one call on this executor.</summary>
    /// <param name="f">The work to run.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for a thread: it then never starts
    /// and the task is cancelled at once. A call that has started runs to completion.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Submit: f: (unit -> 'b) * ?cancellationToken: CancellationToken -> Task<'b>

    /// <summary>Wraps a blocking function that takes a token: each call queues on this executor and gets the
    /// token it is called with, which also cancels the call while it waits for a thread. For the
    /// <c>Cancellable</c> forms of the map family: <c>Futured.mapCancellable (pool.WrapCancellable f) xs</c>.</summary>
    /// <param name="f">The synchronous function; it should return soon after its token is cancelled.</param>
    /// <returns>A function of an argument and a token whose calls queue on this executor.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member WrapCancellable: f: ('a -> CancellationToken -> 'b) -> ('a -> CancellationToken -> Task<'b>)

    /// <summary>Stops accepting work and completes when every accepted call has finished.</summary>
    /// <returns>A task that completes when the executor is idle.</returns>
    member DisposeAsync: unit -> ValueTask

    interface IDisposable
    interface IAsyncDisposable
    interface IExecutor

/// <summary>
/// An executor for asynchronous functions that keeps at most <c>maxConcurrency</c> calls in flight;
/// further calls queue in FIFO order and start as earlier ones complete.
/// </summary>
/// <remarks>Disposal behaves as for <see cref="T:Futured.Threaded"/>. It owns no thread. Seen as an
/// <see cref="T:Futured.IExecutor"/>, it runs synchronous work on the shared .NET thread pool, counted against
/// the same bound.</remarks>
[<Sealed>]
type Asynced =
    /// <summary>Creates an async limiter.</summary>
    /// <param name="maxConcurrency">The most calls in flight at once.</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxConcurrency</c> is zero or negative.</exception>
    new: maxConcurrency: int -> Asynced

    /// <summary>The most calls in flight at once.</summary>
    member MaxConcurrency: int

    /// <summary>Wraps an asynchronous function so that each call is admitted by this limiter.</summary>
    /// <param name="f">The asynchronous function. An exception it throws synchronously faults the returned task.</param>
    /// <returns>A function whose calls queue on this limiter.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Wrap: f: ('a -> Task<'b>) -> ('a -> Task<'b>)

    /// <summary>Runs one asynchronous call under this limiter.</summary>
    /// <param name="f">The work to start.</param>
    /// <param name="cancellationToken">Cancels the call while it is queued: it then never starts.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Submit: f: (unit -> Task<'b>) * ?cancellationToken: CancellationToken -> Task<'b>

    /// <summary>Wraps an asynchronous function that takes a token: each call is admitted by this limiter and gets
    /// the token it is called with, which also cancels the call while it is queued. For the <c>Cancellable</c>
    /// forms of the map family: <c>Futured.mapCancellable (limiter.WrapCancellable fetch) urls</c>.</summary>
    /// <param name="f">The asynchronous function. An exception it throws synchronously faults the returned task.</param>
    /// <returns>A function of an argument and a token whose calls queue on this limiter.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member WrapCancellable: f: ('a -> CancellationToken -> Task<'b>) -> ('a -> CancellationToken -> Task<'b>)

    /// <summary>Stops accepting work and completes when every accepted call has finished.</summary>
    /// <returns>A task that completes when the limiter is idle.</returns>
    member DisposeAsync: unit -> ValueTask

    interface IDisposable
    interface IAsyncDisposable
    interface IExecutor

/// The wrappers of the original: <c>threaded</c> and <c>asynced</c>.
[<AutoOpen>]
module Executors =

    /// <summary>
    /// Wraps a blocking synchronous function so that each call runs on a thread of the wrapper's own pool and
    /// returns a task of its result: "a partial function executed in its own thread pool". The pool holds up to
    /// <c>min(32, Environment.ProcessorCount + 4)</c> dedicated threads (Python's <c>ThreadPoolExecutor</c>
    /// default), not the shared .NET thread pool, so a blocking call starts as soon as a thread of the pool is
    /// free; further calls queue in FIFO order. Threads start on the first calls and retire after 5 seconds
    /// without work (at once while 256 idle threads of <c>threaded</c> pools already wait, so that wrappers made
    /// inside a loop cannot pile up threads): a wrapper that is not called holds no thread and needs no disposal. The
    /// continuations of a call's task run on the .NET thread pool. Use <see cref="T:Futured.Threaded"/> for another bound, a pool
    /// shared by several functions, cancellation or disposal.
    /// Partial application binds arguments: <c>threaded (fun (a, b) -> a + b)</c>.
    /// The map family (<c>Futured.map</c>, <c>mapWith</c>, <c>mapFrom</c>, <c>mapZip</c> and their options) runs the
    /// calls of such a function, or of <c>Threaded.Wrap</c>'s, in batches on the same threads, with no task per call,
    /// the same bound and FIFO order; when that stream stops, the calls it has not started yet are dropped.
    /// </summary>
    /// <param name="f">The function to run.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val threaded: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// `threaded` over a given pool (tests observe its threads).
    val internal threadedOn: pool: Futured.Internal.OwnThreads -> f: ('a -> 'b) -> ('a -> Task<'b>)

    /// <summary>
    /// Wraps an asynchronous function with no bound on calls in flight; an exception it throws
    /// synchronously (before its first await) faults the returned task instead of escaping the call.
    /// Use <see cref="T:Futured.Asynced"/> for a bound.
    /// </summary>
    /// <param name="f">The asynchronous function.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val asynced: f: ('a -> Task<'b>) -> ('a -> Task<'b>)

    /// <summary>
    /// <c>asynced</c> for a function that returns a <see cref="T:System.Threading.Tasks.ValueTask`1"/>: each call's
    /// value task becomes a task (at once, so it is awaited only once), and the result works with the map family
    /// as it is: <c>Futured.map (asyncedOfValueTask read) keys</c>. An F# module function has one signature, and an
    /// <c>asynced</c> generic over the return type would change how F# infers the lambdas given to it, so each
    /// shape has a name of its own.
    /// </summary>
    /// <param name="f">The asynchronous function. An exception it throws synchronously faults the returned task.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val asyncedOfValueTask: f: ('a -> ValueTask<'b>) -> ('a -> Task<'b>)

    /// <summary>
    /// <c>asynced</c> for a function that returns an F# <c>Async</c>: each call starts its workflow at once on the
    /// calling thread (<c>Async.StartImmediateAsTask</c>) with the token it is given, so the <c>Cancellable</c>
    /// forms of the map family pass their token into the workflow, where <c>let!</c> and <c>Async.Sleep</c> observe
    /// it: <c>Futured.mapCancellable (asyncedOfAsync download) urls</c>. A workflow cancelled by its token ends
    /// with <see cref="T:System.OperationCanceledException"/>.
    /// </summary>
    /// <param name="f">The function returning a workflow. An exception it throws, or a null workflow, faults the
    /// returned task.</param>
    /// <returns>A function of an argument and a token that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val asyncedOfAsync: f: ('a -> Async<'b>) -> ('a -> CancellationToken -> Task<'b>)
