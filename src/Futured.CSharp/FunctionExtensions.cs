using Microsoft.FSharp.Core;
using Futured.Internal;

namespace Futured;

/// <summary>
/// The map family as extension methods on task-returning functions (typically made by <see cref="Futures"/> or an
/// executor's <c>Wrap</c>): <c>fetch.Map(urls)</c>, <c>fetch.MapZip(urls)</c>, <c>add.StarMap(pairs)</c>.
/// </summary>
/// <remarks>
/// Every returned sequence is cold: the calls start when an enumeration starts. <c>order</c> chooses between input
/// order and completion order (null keeps each method's default); <c>timeout</c> is a total deadline from the first
/// <c>MoveNextAsync</c> (<see cref="TimeoutException"/> after every available result; null or
/// <see cref="Timeout.InfiniteTimeSpan"/> for none); with <c>maxConcurrency</c> the
/// input is consumed lazily with at most that many calls started but not yet yielded, so an endless input works;
/// <c>cancellationToken</c> stops the enumeration (<see cref="OperationCanceledException"/>). After a deadline, a
/// cancellation, a fault or an early dispose, no further call starts.
/// </remarks>
public static partial class FunctionExtensions
{
    /// <summary>Calls <paramref name="function"/> on every input and yields the results, in input order by default.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> Map<T, TResult>(
        this Func<T, Task<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapWith(options, Functions.OfFunc(function), inputs);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence and yields the results,
    /// in input order by default.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function.</param>
    /// <param name="inputs">The inputs; enumerated with a token that is cancelled when the output stops early.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> Map<T, TResult>(
        this Func<T, Task<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapFrom(options, Functions.OfFunc(function), inputs);
    }

    /// <summary>Calls <paramref name="function"/> on every input and yields each input with its own result, as the
    /// calls complete by default.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, Task<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule
            .mapZipWith(options, Functions.OfFunc(function), inputs)
            .Select(pair => (pair.Item1, pair.Item2));
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence and yields each item
    /// with its own result, as the calls complete by default.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, Task<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule
            .mapZipFrom(options, Functions.OfFunc(function), inputs)
            .Select(pair => (pair.Item1, pair.Item2));
    }

    /// <summary>Calls a two-argument function on every pair and yields the results, in input order by default.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of two arguments.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, Task<TResult>> function,
        IEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.starmapWith(
            options,
            FuncConvert.FromFunc(function),
            pairs.Select(pair => Tuple.Create(pair.Item1, pair.Item2)));
    }

    /// <summary>Calls a two-argument function on every pair of an asynchronous sequence and yields the results, in
    /// input order by default.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of two arguments.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, Task<TResult>> function,
        IAsyncEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapFrom(
            options,
            FuncConvert.FromFunc<(T1, T2), Task<TResult>>(pair => function(pair.Item1, pair.Item2)),
            pairs);
    }
}
