using System.Runtime.CompilerServices;
using Microsoft.FSharp.Core;

namespace Futured;

// Wrap forms of the executors for functions that take a CancellationToken or return a ValueTask.
public static partial class ExecutorExtensions
{
    /// <summary>Wraps a blocking function that takes a token so that each call queues on this executor and gets the
    /// token it is called with, which also cancels the call while it waits for a thread. Made for the map family's
    /// token-taking overloads: <c>pool.WrapCancellable(f).Map(inputs, timeout: …)</c> hands every call the stream's
    /// token, cancelled when the stream stops.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The executor, whose own threads run the calls.</param>
    /// <param name="function">The synchronous function; it should return soon after its token is cancelled.</param>
    /// <returns>A function of an argument and a token whose calls queue on the executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T, CancellationToken, Task<TResult>> WrapCancellable<T, TResult>(
        this Threaded executor,
        Func<T, CancellationToken, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.WrapCancellable(FuncConvert.FromFunc(function));
        return (argument, cancellationToken) => FSharpFunc<T, CancellationToken>.InvokeFast(wrapped, argument, cancellationToken);
    }

    /// <summary>Wraps an asynchronous function that takes a token so that each call is admitted by this limiter and
    /// gets the token it is called with, which also cancels the call while it is queued. Made for the map family's
    /// token-taking overloads: <c>limiter.WrapCancellable(fetch).Map(urls, timeout: …)</c> hands every call the
    /// stream's token, cancelled when the stream stops.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The async limiter.</param>
    /// <param name="function">The asynchronous function; a synchronous throw faults the returned task.</param>
    /// <returns>A function of an argument and a token whose calls queue on the limiter.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T, CancellationToken, Task<TResult>> WrapCancellable<T, TResult>(
        this Asynced executor,
        Func<T, CancellationToken, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.WrapCancellable(FuncConvert.FromFunc(function));
        return (argument, cancellationToken) => FSharpFunc<T, CancellationToken>.InvokeFast(wrapped, argument, cancellationToken);
    }

    /// <summary>Wraps an asynchronous function that returns a <see cref="ValueTask{TResult}"/> so that each call is
    /// admitted by this limiter; each call's value task becomes a task at once, and a fault surfaces as the original
    /// exception. An async lambda whose return type is not written out still binds to the <see cref="Task{TResult}"/>
    /// form; write <c>async ValueTask&lt;int&gt; (int x) =&gt; …</c> or pass a method returning a value task.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The async limiter.</param>
    /// <param name="function">The asynchronous function; a synchronous throw faults the returned task.</param>
    /// <returns>A function whose calls queue on the limiter.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    [OverloadResolutionPriority(-1)]
    public static Func<T, Task<TResult>> Wrap<T, TResult>(this Asynced executor, Func<T, ValueTask<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.Wrap(Executors.asyncedOfValueTask(FuncConvert.FromFunc(function)));
        return wrapped.Invoke;
    }
}
