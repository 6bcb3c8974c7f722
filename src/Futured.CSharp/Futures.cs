using Microsoft.FSharp.Core;

namespace Futured;

/// <summary>
/// The entry points of Futured for C#: wrap a function so that each call runs concurrently and returns a
/// <see cref="Task{TResult}"/>, decorate an object, and bridge to synchronous code.
/// </summary>
/// <remarks>Every member delegates to the F# core (<c>Futured.FSharp</c>); see its documentation for the semantics.</remarks>
public static partial class Futures
{
    /// <summary>
    /// Wraps a blocking synchronous function so that each call runs on a thread of the wrapper's own pool and returns
    /// a task of its result (the original's <c>threaded</c>): up to <c>min(32, Environment.ProcessorCount + 4)</c>
    /// dedicated threads, not the shared .NET thread pool, started with the first calls and retired after 5 seconds
    /// without work, so the wrapper needs no disposal; further calls queue in FIFO order. Use
    /// <see cref="Futured.Threaded"/> executors for another bound, cancellation or disposal.
    /// </summary>
    /// <remarks><c>Map</c> and <c>MapZip</c> over the returned delegate run its calls in batches on the wrapper's
    /// threads, with no task per call; a stop of such a stream drops the calls it has not started.</remarks>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    public static Func<T, Task<TResult>> Threaded<T, TResult>(Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = Executors.threaded(FuncConvert.FromFunc(function));
        return wrapped.Invoke;
    }

    /// <summary>Wraps a blocking synchronous two-argument function so that each call runs on a thread of the wrapper's
    /// own pool, as <see cref="Threaded{T, TResult}(Func{T, TResult})"/> does.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    public static Func<T1, T2, Task<TResult>> Threaded<T1, T2, TResult>(Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = Executors.threaded(FuncConvert.FromFunc<Tuple<T1, T2>, TResult>(args => function(args.Item1, args.Item2)));
        return (first, second) => wrapped.Invoke(Tuple.Create(first, second));
    }

    /// <summary>
    /// Wraps an asynchronous function with no bound on calls in flight; an exception it throws before its first
    /// await faults the returned task instead of escaping the call (the original's <c>asynced</c>). Use
    /// <see cref="Futured.Asynced"/> executors for a bound.
    /// </summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The asynchronous function.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    public static Func<T, Task<TResult>> Asynced<T, TResult>(Func<T, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = Executors.asynced(FuncConvert.FromFunc(function));
        return wrapped.Invoke;
    }

    /// <summary>Wraps an asynchronous two-argument function; a synchronous throw faults the returned task.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The asynchronous function.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    public static Func<T1, T2, Task<TResult>> Asynced<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = Executors.asynced(FuncConvert.FromFunc<Tuple<T1, T2>, Task<TResult>>(args => function(args.Item1, args.Item2)));
        return (first, second) => wrapped.Invoke(Tuple.Create(first, second));
    }

    /// <summary>
    /// Sync bridge: waits for a task and returns its result, rethrowing its original exception (not an
    /// <see cref="AggregateException"/>). Blocks the calling thread: for scripts and <c>Main</c> only.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The task to wait for.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="task"/> is null.</exception>
    public static T Run<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return FuturedModule.run(task);
    }

    /// <summary>
    /// Sync bridge: enumerates an asynchronous sequence as a blocking sequence, rethrowing original exceptions;
    /// disposing the enumerator disposes the asynchronous one. For scripts and <c>Main</c> only.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The asynchronous sequence.</param>
    /// <returns>A sequence that blocks for each item.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="source"/> is null.</exception>
    public static IEnumerable<T> Iter<T>(IAsyncEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FuturedModule.iter(source);
    }
}
