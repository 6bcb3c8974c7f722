using Futured.Internal;

namespace Futured;

/// <summary>C# members of <see cref="Distributed"/>: <c>Wrap</c> and <c>Submit</c> taking delegates (a static method
/// or a static lambda), with one or two arguments, or an argument and the call's <see cref="CancellationToken"/>.</summary>
public static class DistributedExtensions
{
    /// <summary>Wraps a function so that each call runs on a silo and returns a task of its result.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The distributed executor.</param>
    /// <param name="function">A static method or a lambda without captured state (<c>static x =&gt; x * 2</c>).</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time; the message says why.</exception>
    public static Func<T, Task<TResult>> Wrap<T, TResult>(this Distributed executor, Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var description = RemoteCall.ofDelegate(nameof(function), function);
        return argument => executor.Call<T, TResult>(description, argument, CancellationToken.None);
    }

    /// <summary>Wraps a two-argument function so that each call runs on a silo; the arguments cross as a pair.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The distributed executor.</param>
    /// <param name="function">A static method or a lambda without captured state.</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state.</exception>
    public static Func<T1, T2, Task<TResult>> Wrap<T1, T2, TResult>(this Distributed executor, Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var description = RemoteCall.ofDelegate(nameof(function), function);
        return (first, second) => executor.Call<Tuple<T1, T2>, TResult>(description, Tuple.Create(first, second), CancellationToken.None);
    }

    /// <summary>Wraps a function that takes a cancellation token: each call runs on a silo, and cancelling the token
    /// given to the wrapped function cancels the call there, through the token the function receives.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The distributed executor.</param>
    /// <param name="function">A static method or a lambda without captured state.</param>
    /// <returns>A function whose calls queue on this executor; its token cancels the call, queued or running.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state.</exception>
    public static Func<T, CancellationToken, Task<TResult>> Wrap<T, TResult>(this Distributed executor, Func<T, CancellationToken, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var description = RemoteCall.ofDelegate(nameof(function), function);
        return (argument, cancellationToken) => executor.Call<T, TResult>(description, argument, cancellationToken);
    }

    /// <summary>Runs one call on a silo.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The distributed executor.</param>
    /// <param name="function">A static method or a lambda without captured state.</param>
    /// <param name="argument">Its argument, serialised as JSON.</param>
    /// <param name="cancellationToken">Removes the call while it is queued; cancels it on its silo while it runs.
    /// Either way the task is cancelled.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state.</exception>
    public static Task<TResult> Submit<T, TResult>(this Distributed executor, Func<T, TResult> function, T argument, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        return executor.Call<T, TResult>(RemoteCall.ofDelegate(nameof(function), function), argument, cancellationToken);
    }

    /// <summary>Runs one call on a silo of a function that takes a cancellation token, which it receives there.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The distributed executor.</param>
    /// <param name="function">A static method or a lambda without captured state.</param>
    /// <param name="argument">Its argument, serialised as JSON.</param>
    /// <param name="cancellationToken">Removes the call while it is queued; while it runs, cancels the task and the
    /// token the function received.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state.</exception>
    public static Task<TResult> Submit<T, TResult>(this Distributed executor,
        Func<T, CancellationToken, TResult> function,
        T argument,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        return executor.Call<T, TResult>(RemoteCall.ofDelegate(nameof(function), function), argument, cancellationToken);
    }
}
