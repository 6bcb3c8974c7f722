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
/// An executor that runs synchronous functions on the .NET thread pool with at most
/// <c>maxWorkers</c> calls running at once; further calls queue in FIFO order.
/// </summary>
/// <remarks>
/// Reusable with many functions. <c>Dispose</c>/<c>DisposeAsync</c> stops accepting work (later calls
/// return a task faulted with <see cref="T:System.ObjectDisposedException"/>) and waits for every call
/// already accepted, queued ones included. <c>Dispose</c> blocks the calling thread while it waits;
/// prefer <c>DisposeAsync</c> (<c>use!</c>, <c>await using</c>) in asynchronous code.
/// </remarks>
[<Sealed>]
type Threaded =
    /// <summary>Creates a thread-pool executor.</summary>
    /// <param name="maxWorkers">The most calls that run at once.</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    new: maxWorkers: int -> Threaded

    /// <summary>The most calls that run at once.</summary>
    member MaxWorkers: int

    /// <summary>Wraps a function so that each call runs on this executor and returns a task of its result.</summary>
    /// <param name="f">The synchronous function to run.</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Wrap: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// <summary>Runs one call on this executor.</summary>
    /// <param name="f">The work to run.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for a worker: it then never starts
    /// and the task is cancelled. A call that has started runs to completion.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    member Submit: f: (unit -> 'b) * ?cancellationToken: CancellationToken -> Task<'b>

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
/// <remarks>Disposal behaves as for <see cref="T:Futured.Threaded"/>. Seen as an <see cref="T:Futured.IExecutor"/>,
/// it runs synchronous work on the .NET thread pool, counted against the same bound.</remarks>
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

    /// <summary>Stops accepting work and completes when every accepted call has finished.</summary>
    /// <returns>A task that completes when the limiter is idle.</returns>
    member DisposeAsync: unit -> ValueTask

    interface IDisposable
    interface IAsyncDisposable
    interface IExecutor

/// The wrappers over the shared executors, the original's <c>threaded</c> and <c>asynced</c>.
[<AutoOpen>]
module Executors =

    /// <summary>
    /// Wraps a synchronous function so that each call runs on the shared .NET thread pool
    /// (no bound of its own: the pool schedules) and returns a task of its result.
    /// Partial application binds arguments: <c>threaded (fun (a, b) -> a + b)</c>.
    /// </summary>
    /// <param name="f">The function to run.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val threaded: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// <summary>
    /// Wraps an asynchronous function with no bound on calls in flight; an exception it throws
    /// synchronously (before its first await) faults the returned task instead of escaping the call.
    /// Use <see cref="T:Futured.Asynced"/> for a bound.
    /// </summary>
    /// <param name="f">The asynchronous function.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    val asynced: f: ('a -> Task<'b>) -> ('a -> Task<'b>)
