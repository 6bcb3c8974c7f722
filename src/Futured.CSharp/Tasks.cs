using Microsoft.FSharp.Core;

namespace Futured;

public static partial class Futures
{
    /// <summary>
    /// Opens a waiting scope (the original's <c>waiting</c>, a nursery) with running tasks registered, for
    /// <c>await using</c>: register more with <c>Add</c> or <c>Start</c>, then <c>await scope.WaitAsync()</c> for the
    /// results in registration order. When a task fails the scope's <c>Token</c> is cancelled so siblings stop; every
    /// task is awaited, then one fault is raised as itself, several as one <see cref="AggregateException"/>.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">Running tasks, registered first.</param>
    /// <returns>The open scope.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> or one of them is null.</exception>
    public static Waiting<T> Waiting<T>(params Task<T>[] tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new Waiting<T>(tasks);
    }

    /// <summary>
    /// Opens a waiting scope linked to an outer token, with running tasks registered, for <c>await using</c>: when
    /// <paramref name="cancellationToken"/> is cancelled, the scope's <c>Token</c> is cancelled too, and
    /// <c>WaitAsync</c> throws <see cref="OperationCanceledException"/> once every task has finished (faults of tasks,
    /// if any, are thrown instead; cancellations are not faults then).
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="cancellationToken">The outer token, e.g. a request's or the application's.</param>
    /// <param name="tasks">Running tasks, registered first.</param>
    /// <returns>The open scope.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> or one of them is null.</exception>
    public static Waiting<T> Waiting<T>(CancellationToken cancellationToken, params Task<T>[] tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new Waiting<T>(tasks, cancellationToken);
    }

    /// <summary>
    /// Opens a waiting scope, runs the block with it, then waits for every task registered and gives their results in
    /// registration order; an exception of the block cancels the scope's token and is raised once every task has
    /// finished. Cancelling <paramref name="cancellationToken"/> cancels the scope's token too, and the returned task
    /// then ends with <see cref="OperationCanceledException"/> once every task has finished (faults, if any, instead).
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="body">The block: registers tasks with <c>Add</c> or <c>Start</c>.</param>
    /// <param name="cancellationToken">An outer token linked to the scope's token.</param>
    /// <returns>The results, in registration order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="body"/> is null.</exception>
    public static Task<T[]> Waiting<T>(Func<Waiting<T>, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WaitingModule.runCancellable(cancellationToken, FuncConvert.FromFunc<Waiting<T>, Task<Unit>>(async scope =>
        {
            await body(scope).ConfigureAwait(false);
            return null!;
        }));
    }

    /// <summary>Waits for every task and gives the results in order, raising every fault (one as itself, several as
    /// one <see cref="AggregateException"/>): the original's <c>waiting(*fs)</c> without a block.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, in order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> or one of them is null.</exception>
    public static Task<T[]> WaitAll<T>(IEnumerable<Task<T>> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return WaitingModule.all(tasks);
    }

    /// <summary>
    /// A mutable set of running tasks (the original's <c>tasks</c>), for <c>await using</c>: <c>await foreach</c> over
    /// it yields each completed task (inspect its fault, <c>Add</c> a retry; tasks added meanwhile are included),
    /// <c>Pop</c> takes the next one to complete; disposal waits for every task.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">Running tasks.</param>
    /// <param name="timeout">A total deadline of each enumeration, from its first <c>MoveNextAsync</c>; null or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tasks"/> or one of them is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="TimeSpan.MaxValue"/>.</exception>
    public static TaskSet<T> TaskSet<T>(IEnumerable<Task<T>> tasks, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return timeout is { } deadline ? new TaskSet<T>(tasks, deadline) : new TaskSet<T>(tasks);
    }
}

/// <summary>C# members of <see cref="Waiting{T}"/>.</summary>
public static class WaitingExtensions
{
    /// <summary>Starts work with the scope's token and registers its task; a synchronous throw faults the task.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="scope">The open scope.</param>
    /// <param name="work">The work; it receives the scope's token.</param>
    /// <returns>The registered task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="scope"/> or <paramref name="work"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">When the scope has already been left.</exception>
    public static Task<T> Start<T>(this Waiting<T> scope, Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(work);
        return scope.Start(FuncConvert.FromFunc(work));
    }
}
