using Microsoft.FSharp.Core;

namespace Futured;

// The map family over functions that return a ValueTask: each call's value task becomes a task at once (so it is
// awaited only once), then the Task forms run it. A fault surfaces as the original exception.
public static partial class FunctionExtensions
{
    /// <summary>Calls <paramref name="function"/> on every input and yields the results, in input order by default;
    /// the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at once, and a fault surfaces
    /// as the original exception. A call that runs when the stream stops goes on until it finishes; take a
    /// <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input that returns a value task.</param>
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
        this Func<T, ValueTask<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Map(
            (Func<T, Task<TResult>>)(Executors.asyncedOfValueTask(FuncConvert.FromFunc(function)).Invoke),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence and yields the results,
    /// in input order by default; the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at
    /// once, and a fault surfaces as the original exception. A call that runs when the stream stops goes on until
    /// it finishes; take a <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input that returns a value task.</param>
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
        this Func<T, ValueTask<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Map(
            (Func<T, Task<TResult>>)(Executors.asyncedOfValueTask(FuncConvert.FromFunc(function)).Invoke),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every input with the stream's token and yields the results, in
    /// input order by default; the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at
    /// once, and a fault surfaces as the original exception. The token each call gets is the stream's: it is
    /// cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or the enumerator's
    /// token, a fault, an early <c>DisposeAsync</c>), so the stop reaches the calls that run, and
    /// <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input and the stream's token that returns a value task.</param>
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
        this Func<T, CancellationToken, ValueTask<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Map(
            (Func<T, CancellationToken, Task<TResult>>)((item, token) => function(item, token).AsTask()),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence with the stream's token
    /// and yields the results, in input order by default; the function returns a <see cref="ValueTask{TResult}"/>,
    /// which becomes a task at once, and a fault surfaces as the original exception. The token each call gets is
    /// the stream's: it is cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or
    /// the enumerator's token, a fault, an early <c>DisposeAsync</c>), so the stop reaches the calls that run, and
    /// <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input and the stream's token that returns a value task.</param>
    /// <param name="inputs">The inputs; enumerated with the same token.</param>
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
        this Func<T, CancellationToken, ValueTask<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Map(
            (Func<T, CancellationToken, Task<TResult>>)((item, token) => function(item, token).AsTask()),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every input and yields each input with its own result, as the
    /// calls complete by default; the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at
    /// once, and a fault surfaces as the original exception. A call that runs when the stream stops goes on until
    /// it finishes; take a <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input that returns a value task.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, ValueTask<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return MapZip(
            (Func<T, Task<TResult>>)(Executors.asyncedOfValueTask(FuncConvert.FromFunc(function)).Invoke),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence and yields each input
    /// with its own result, as the calls complete by default; the function returns a
    /// <see cref="ValueTask{TResult}"/>, which becomes a task at once, and a fault surfaces as the original
    /// exception. A call that runs when the stream stops goes on until it finishes; take a
    /// <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input that returns a value task.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, ValueTask<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return MapZip(
            (Func<T, Task<TResult>>)(Executors.asyncedOfValueTask(FuncConvert.FromFunc(function)).Invoke),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every input with the stream's token and yields each input with
    /// its own result, as the calls complete by default; the function returns a <see cref="ValueTask{TResult}"/>,
    /// which becomes a task at once, and a fault surfaces as the original exception. The token each call gets is
    /// the stream's: it is cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or
    /// the enumerator's token, a fault, an early <c>DisposeAsync</c>), so the stop reaches the calls that run, and
    /// <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input and the stream's token that returns a value task.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, CancellationToken, ValueTask<TResult>> function,
        IEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return MapZip(
            (Func<T, CancellationToken, Task<TResult>>)((item, token) => function(item, token).AsTask()),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> on every item of an asynchronous sequence with the stream's token
    /// and yields each input with its own result, as the calls complete by default; the function returns a
    /// <see cref="ValueTask{TResult}"/>, which becomes a task at once, and a fault surfaces as the original
    /// exception. The token each call gets is the stream's: it is cancelled when the stream stops (the deadline,
    /// <paramref name="cancellationToken"/> or the enumerator's token, a fault, an early <c>DisposeAsync</c>), so
    /// the stop reaches the calls that run, and <c>DisposeAsync</c> completes once every call has
    /// finished.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of an input and the stream's token that returns a value task.</param>
    /// <param name="inputs">The inputs; enumerated with the same token.</param>
    /// <param name="order">The order of results; null for completion order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>(input, result) pairs.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<(T Item, TResult Result)> MapZip<T, TResult>(
        this Func<T, CancellationToken, ValueTask<TResult>> function,
        IAsyncEnumerable<T> inputs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return MapZip(
            (Func<T, CancellationToken, Task<TResult>>)((item, token) => function(item, token).AsTask()),
            inputs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls a two-argument function on every pair and yields the results, in input order by default; the
    /// function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at once, and a fault surfaces as
    /// the original exception. A call that runs when the stream stops goes on until it finishes; take a
    /// <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of two arguments that returns a value task.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, ValueTask<TResult>> function,
        IEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return StarMap(
            (Func<T1, T2, Task<TResult>>)((a, b) => function(a, b).AsTask()),
            pairs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls a two-argument function on every pair of an asynchronous sequence and yields the results, in
    /// input order by default; the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at
    /// once, and a fault surfaces as the original exception. A call that runs when the stream stops goes on until
    /// it finishes; take a <see cref="CancellationToken"/> to stop it.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of two arguments that returns a value task.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, ValueTask<TResult>> function,
        IAsyncEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return StarMap(
            (Func<T1, T2, Task<TResult>>)((a, b) => function(a, b).AsTask()),
            pairs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls a two-argument function on every pair with the stream's token and yields the results, in
    /// input order by default; the function returns a <see cref="ValueTask{TResult}"/>, which becomes a task at
    /// once, and a fault surfaces as the original exception. The token each call gets is the stream's: it is
    /// cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or the enumerator's
    /// token, a fault, an early <c>DisposeAsync</c>), so the stop reaches the calls that run, and
    /// <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of two arguments and the stream's token that returns a value task.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, CancellationToken, ValueTask<TResult>> function,
        IEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return StarMap(
            (Func<T1, T2, CancellationToken, Task<TResult>>)((a, b, token) => function(a, b, token).AsTask()),
            pairs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }

    /// <summary>Calls a two-argument function on every pair of an asynchronous sequence with the stream's token and
    /// yields the results, in input order by default; the function returns a <see cref="ValueTask{TResult}"/>,
    /// which becomes a task at once, and a fault surfaces as the original exception. The token each call gets is
    /// the stream's: it is cancelled when the stream stops (the deadline, <paramref name="cancellationToken"/> or
    /// the enumerator's token, a fault, an early <c>DisposeAsync</c>), so the stop reaches the calls that run, and
    /// <c>DisposeAsync</c> completes once every call has finished.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A function of two arguments and the stream's token that returns a value task.</param>
    /// <param name="pairs">The argument pairs; enumerated with the same token.</param>
    /// <param name="order">The order of results; null for input order.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>, which also cancels the running
    /// calls' token; null or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="maxConcurrency">A lazy bound on calls in flight; null for none (every call starts at once).</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the running calls' token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> or <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>,
    /// or <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public static IAsyncEnumerable<TResult> StarMap<T1, T2, TResult>(
        this Func<T1, T2, CancellationToken, ValueTask<TResult>> function,
        IAsyncEnumerable<(T1, T2)> pairs,
        Order? order = null,
        TimeSpan? timeout = null,
        int? maxConcurrency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return StarMap(
            (Func<T1, T2, CancellationToken, Task<TResult>>)((a, b, token) => function(a, b, token).AsTask()),
            pairs,
            order,
            timeout,
            maxConcurrency,
            cancellationToken);
    }
}
