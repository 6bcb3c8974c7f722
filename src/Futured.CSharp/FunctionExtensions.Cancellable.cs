using Microsoft.FSharp.Core;

namespace Futured;

// The map family over functions that take a CancellationToken: each call gets the stream's token, which the stream
// cancels when it stops for any reason (deadline, cancellation, a fault, an early DisposeAsync); DisposeAsync then
// completes once every call has finished. Each member delegates to a Cancellable function of the F# core.
public static partial class FunctionExtensions
{
    /// <summary>Calls <paramref name="function"/> on every input with the stream's token and yields the results, in
    /// input order by default. The token each call gets is the stream's: it is cancelled when the stream stops (the
    /// deadline, <paramref name="cancellationToken"/> or the enumerator's token, a fault, an early
    /// <c>DisposeAsync</c>), so the stop reaches the calls that run, and <c>DisposeAsync</c> completes once every
    /// call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of an input and the stream's token (pass it on to
    /// <c>HttpClient</c>, <c>Task.Delay</c> or an executor's <c>Submit</c>).</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> Map<T, TResult>(
        this Func<T, CancellationToken, Task<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapCancellableWith(options, FuncConvert.FromFunc(function), inputs);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence with the stream's token
    /// and yields the results, in input order by default. The token each call gets is the stream's: it is cancelled
    /// when the stream stops (the deadline, <paramref name="cancellationToken"/> or the enumerator's token, a fault,
    /// an early <c>DisposeAsync</c>), and <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of an input and the stream's token.</param>
    /// <param name="inputs">The inputs; enumerated with the same token.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> Map<T, TResult>(
        this Func<T, CancellationToken, Task<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapCancellableFrom(options, FuncConvert.FromFunc(function), inputs);
    }

    /// <summary>Calls <paramref name="function"/> on every input with the stream's token and yields each input with
    /// its own result, as the calls complete by default. The token each call gets is the stream's: it is cancelled
    /// when the stream stops (the deadline, <paramref name="cancellationToken"/> or the enumerator's token, a fault,
    /// an early <c>DisposeAsync</c>), and <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of an input and the stream's token.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, CancellationToken, Task<TResult>> function,
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
            .mapZipCancellableWith(options, FuncConvert.FromFunc(function), inputs)
            .Select(pair => (pair.Item1, pair.Item2));
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence with the stream's token
    /// and yields each item with its own result, as the calls complete by default. The token each call gets is the
    /// stream's: it is cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or the
    /// enumerator's token, a fault, an early <c>DisposeAsync</c>), and <c>DisposeAsync</c> completes once every call
    /// has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of an input and the stream's token.</param>
    /// <param name="inputs">The inputs; enumerated with the same token.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, CancellationToken, Task<TResult>> function,
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
            .mapZipCancellableFrom(options, FuncConvert.FromFunc(function), inputs)
            .Select(pair => (pair.Item1, pair.Item2));
    }

    /// <summary>Calls a two-argument function on every pair with the stream's token and yields the results, in input
    /// order by default. The token each call gets is the stream's: it is cancelled when the stream stops (the
    /// deadline, <paramref name="cancellationToken"/> or the enumerator's token, a fault, an early
    /// <c>DisposeAsync</c>), and <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of two arguments and the stream's token.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, CancellationToken, Task<TResult>> function,
        IEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.starmapCancellableWith(
            options,
            FuncConvert.FromFunc(function),
            pairs.Select(pair => Tuple.Create(pair.Item1, pair.Item2)));
    }

    /// <summary>Calls a two-argument function on every pair of an asynchronous sequence with the stream's token and
    /// yields the results, in input order by default. The token each call gets is the stream's: it is cancelled when
    /// the stream stops (the deadline, <paramref name="cancellationToken"/> or the enumerator's token, a fault, an
    /// early <c>DisposeAsync</c>), and <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A task-returning function of two arguments and the stream's token.</param>
    /// <param name="pairs">The argument pairs; enumerated with the same token.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, CancellationToken, Task<TResult>> function,
        IAsyncEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(order, timeout, maxConcurrency, cancellationToken);
        return FuturedModule.mapCancellableFrom(
            options,
            FuncConvert.FromFunc<(T1, T2), CancellationToken, Task<TResult>>(
                (pair, token) => function(pair.Item1, pair.Item2, token)),
            pairs);
    }
}
