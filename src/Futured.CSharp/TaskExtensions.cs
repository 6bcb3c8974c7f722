namespace Futured;

/// <summary>Extension methods that stream the results of running tasks: in order, as completed, or keyed.</summary>
/// <remarks>
/// Every returned sequence is cold: it starts watching the tasks when an enumeration starts. A faulted task
/// surfaces its original exception at its place in the order and the enumeration then ends; a deadline raises
/// <see cref="TimeoutException"/> after every result already available was yielded; cancellation raises
/// <see cref="OperationCanceledException"/>. A token given to <c>WithCancellation</c> works as well.
/// </remarks>
public static class TaskExtensions
{
    /// <summary>Yields the tasks' results in input order; the first as soon as the first task is done.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">Running tasks.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>.</exception>
    public static IAsyncEnumerable<T> Results<T>(
        this IEnumerable<Task<T>> tasks,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return FuturedModule.resultsWith(Options.Create(null, timeout, null, cancellationToken), tasks);
    }

    /// <summary>Yields the tasks' results in the order they complete.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">Running tasks.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The results, in completion order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>.</exception>
    public static IAsyncEnumerable<T> AsCompleted<T>(
        this IEnumerable<Task<T>> tasks,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return FuturedModule.asCompletedWith(Options.Create(null, timeout, null, cancellationToken), tasks);
    }

    /// <summary>Yields each key with its own task's result, as the tasks complete.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The result type.</typeparam>
    /// <param name="pairs">Keys with their running tasks.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>(key, value) pairs in completion order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>.</exception>
    public static IAsyncEnumerable<(TKey Key, TValue Value)> Items<TKey, TValue>(
        this IEnumerable<(TKey Key, Task<TValue> Task)> pairs,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(null, timeout, null, cancellationToken);
        return FuturedModule
            .itemsWith(options, pairs.Select(pair => Tuple.Create(pair.Key, pair.Task)))
            .Select(pair => (pair.Item1, pair.Item2));
    }

    /// <summary>Yields each key with its own task's result, as the tasks complete (for dictionaries of tasks).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The result type.</typeparam>
    /// <param name="pairs">Keys with their running tasks.</param>
    /// <param name="timeout">A total deadline from the first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>(key, value) pairs in completion order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>.</exception>
    public static IAsyncEnumerable<(TKey Key, TValue Value)> Items<TKey, TValue>(
        this IEnumerable<KeyValuePair<TKey, Task<TValue>>> pairs,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var options = Options.Create(null, timeout, null, cancellationToken);
        return FuturedModule
            .itemsWith(options, pairs.Select(pair => Tuple.Create(pair.Key, pair.Value)))
            .Select(pair => (pair.Item1, pair.Item2));
    }
}
