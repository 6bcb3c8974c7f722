namespace Futured;

public static partial class Futures
{
    /// <summary>
    /// Wraps a function so that each call runs in one of a shared pool of worker processes (one per processor,
    /// started on demand, ended when this process exits) and returns a task of its result (the original's
    /// <c>processed</c>). Only a static method or a lambda that captures nothing can cross to another process; the
    /// argument and the result cross as JSON. Use <see cref="Futured.Processed"/> executors for another bound.
    /// </summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A static method or a lambda without captured state (<c>static x =&gt; x * 2</c>).</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time; the message says why.</exception>
    public static Func<T, Task<TResult>> Processed<T, TResult>(Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Processes.sharedPool().Wrap(function);
    }

    /// <summary>
    /// Wraps a two-argument function so that each call runs in one of the shared pool of worker processes (see
    /// <see cref="Processed{T, TResult}(Func{T, TResult})"/>); the two arguments cross as a pair, in JSON.
    /// </summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">A static method or a lambda without captured state (<c>static (a, b) =&gt; a + b</c>).</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time, or takes a <see cref="CancellationToken"/>; the message says why.</exception>
    public static Func<T1, T2, Task<TResult>> Processed<T1, T2, TResult>(Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Processes.sharedPool().Wrap(function);
    }

    /// <summary>
    /// Runs <paramref name="body"/> for each value in a child process of its own (the original's <c>forked</c>), at
    /// most <paramref name="maxWorkers"/> at once, values taken lazily; completes when every child has exited. The
    /// first child that fails stops new ones from starting and faults the task with <see cref="ForkedException"/>.
    /// Cancelling <paramref name="cancellationToken"/> kills the running children (each with its process group) and
    /// starts no further value; the task is then cancelled once every running child has exited.
    /// </summary>
    /// <typeparam name="T">The value type, serialised to the children as JSON.</typeparam>
    /// <param name="values">The values.</param>
    /// <param name="body">A static method or a lambda without captured state.</param>
    /// <param name="maxWorkers">The most children running at once; null for <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="cancellationToken">Stops the run: kills the running children and starts no more.</param>
    /// <returns>A task that completes when every child has exited: faulted with <see cref="ForkedException"/> for the
    /// first child that failed, otherwise cancelled when <paramref name="cancellationToken"/> was.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="values"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="maxWorkers"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">When <paramref name="body"/> captures state.</exception>
    public static Task Forked<T>(
        IEnumerable<T> values,
        Action<T> body,
        int? maxWorkers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(body);
        return Futured.Processed.Fork(values, body, maxWorkers ?? Environment.ProcessorCount, cancellationToken);
    }
}
