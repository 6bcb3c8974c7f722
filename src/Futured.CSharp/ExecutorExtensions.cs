using Futured.Internal;
using Microsoft.FSharp.Core;

namespace Futured;

/// <summary>C# members of the executors: <c>Wrap</c> and <c>Submit</c> taking delegates.</summary>
/// <remarks>
/// Create executors with <c>new Threaded(maxWorkers)</c> / <c>new Asynced(maxConcurrency)</c> /
/// <c>new Processed(maxWorkers)</c> and dispose them with
/// <c>await using</c>: disposal stops accepting work (later calls fault with <see cref="ObjectDisposedException"/>)
/// and waits for the work already accepted.
/// </remarks>
public static partial class ExecutorExtensions
{
    /// <summary>Wraps a synchronous function so that each call runs on this executor.</summary>
    /// <remarks><c>Map</c> and <c>MapZip</c> over the returned delegate run its calls in batches on the executor's
    /// threads, with no task per call (same bound and FIFO order); a stop of such a stream drops the calls it has not
    /// started.</remarks>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The executor, whose own threads run the calls.</param>
    /// <param name="function">The function to run.</param>
    /// <returns>A function whose calls queue on the executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T, Task<TResult>> Wrap<T, TResult>(this Threaded executor, Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.Wrap(FuncConvert.FromFunc(function));
        return wrapped.Invoke;
    }

    /// <summary>Wraps a synchronous two-argument function so that each call runs on this executor.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The executor, whose own threads run the calls.</param>
    /// <param name="function">The function to run.</param>
    /// <returns>A function whose calls queue on the executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T1, T2, Task<TResult>> Wrap<T1, T2, TResult>(this Threaded executor, Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.Wrap(FuncConvert.FromFunc<Tuple<T1, T2>, TResult>(args => function(args.Item1, args.Item2)));
        return (first, second) => wrapped.Invoke(Tuple.Create(first, second));
    }

    /// <summary>Runs one synchronous call on this executor.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The executor, whose own threads run the calls.</param>
    /// <param name="work">The work to run.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for a thread: it then never starts.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="work"/> is null.</exception>
    public static Task<TResult> Submit<TResult>(
        this Threaded executor,
        Func<TResult> work,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(work);
        return executor.Submit(FuncConvert.FromFunc(work), Options.Some(cancellationToken));
    }

    /// <summary>Runs one synchronous action on this executor.</summary>
    /// <param name="executor">The executor, whose own threads run the calls.</param>
    /// <param name="work">The work to run.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for a thread: it then never starts.</param>
    /// <returns>The task of the call.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="work"/> is null.</exception>
    public static Task Submit(this Threaded executor, Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(work);
        return executor.Submit(FuncConvert.FromAction(work), Options.Some(cancellationToken));
    }

    /// <summary>Wraps an asynchronous function so that each call is admitted by this limiter.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The async limiter.</param>
    /// <param name="function">The asynchronous function; a synchronous throw faults the returned task.</param>
    /// <returns>A function whose calls queue on the limiter.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T, Task<TResult>> Wrap<T, TResult>(this Asynced executor, Func<T, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.Wrap(FuncConvert.FromFunc(function));
        return wrapped.Invoke;
    }

    /// <summary>Wraps an asynchronous two-argument function so that each call is admitted by this limiter.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The async limiter.</param>
    /// <param name="function">The asynchronous function.</param>
    /// <returns>A function whose calls queue on the limiter.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    public static Func<T1, T2, Task<TResult>> Wrap<T1, T2, TResult>(
        this Asynced executor,
        Func<T1, T2, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = executor.Wrap(
            FuncConvert.FromFunc<Tuple<T1, T2>, Task<TResult>>(args => function(args.Item1, args.Item2)));
        return (first, second) => wrapped.Invoke(Tuple.Create(first, second));
    }

    /// <summary>Runs one asynchronous call under this limiter.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The async limiter.</param>
    /// <param name="work">The work to start.</param>
    /// <param name="cancellationToken">Cancels the call while it is queued: it then never starts.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="work"/> is null.</exception>
    public static Task<TResult> Submit<TResult>(
        this Asynced executor,
        Func<Task<TResult>> work,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(work);
        return executor.Submit(FuncConvert.FromFunc(work), Options.Some(cancellationToken));
    }

    /// <summary>Wraps a delegate (a static method, or a lambda that captures nothing) so that each call runs in one of
    /// this executor's worker processes; the argument and the result cross as JSON.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The worker-process executor.</param>
    /// <param name="function">A delegate without captured state (<c>static x =&gt; x * 2</c>).</param>
    /// <returns>A function whose calls queue on the executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time; the message says why.</exception>
    public static Func<T, Task<TResult>> Wrap<T, TResult>(this Processed executor, Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var target = Callable.ofDelegate(nameof(function), function);
        return argument => executor.Call<T, TResult>(target, argument, CancellationToken.None);
    }

    /// <summary>Wraps a two-argument delegate (a static method, or a lambda that captures nothing) so that each call
    /// runs in one of this executor's worker processes; the two arguments cross as a pair, in JSON.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The worker-process executor.</param>
    /// <param name="function">A delegate without captured state (<c>static (a, b) =&gt; a + b</c>).</param>
    /// <returns>A function whose calls queue on the executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time, or takes a <see cref="CancellationToken"/> (use
    /// <see cref="WrapCancellable{T, TResult}(Processed, Func{T, TResult})"/>: cancelling a call kills its worker).</exception>
    public static Func<T1, T2, Task<TResult>> Wrap<T1, T2, TResult>(this Processed executor, Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        if (typeof(T2) == typeof(CancellationToken))
        {
            throw new ArgumentException(
                "A function run in a worker process does not receive a CancellationToken: wrap a function of the argument "
                + "alone with WrapCancellable, whose token kills the call's worker process.",
                nameof(function));
        }

        var target = Callable.ofDelegate(nameof(function), function);
        return (first, second) => executor.Call<Tuple<T1, T2>, TResult>(target, Tuple.Create(first, second), CancellationToken.None);
    }

    /// <summary>Wraps a delegate (a static method, or a lambda that captures nothing) so that each call runs in one of
    /// this executor's worker processes and takes a cancellation token: cancelling it removes the call while it is
    /// queued, and kills (and replaces) its worker process while it runs. Either way the task is cancelled.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The worker-process executor.</param>
    /// <param name="function">A delegate without captured state; it does not receive the token.</param>
    /// <returns>A function whose calls queue on the executor; its token cancels the call, queued or running.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time; the message says why.</exception>
    public static Func<T, CancellationToken, Task<TResult>> WrapCancellable<T, TResult>(
        this Processed executor,
        Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        var target = Callable.ofDelegate(nameof(function), function);
        return (argument, cancellationToken) => executor.Call<T, TResult>(target, argument, cancellationToken);
    }

    /// <summary>Runs one call of a delegate (a static method, or a lambda that captures nothing) in one of this
    /// executor's worker processes.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="executor">The worker-process executor.</param>
    /// <param name="function">A delegate without captured state.</param>
    /// <param name="argument">Its argument, serialised to the worker as JSON.</param>
    /// <param name="cancellationToken">Removes the call while it is queued; kills (and replaces) its worker process
    /// while it runs. Either way the task is cancelled.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="executor"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state, is multicast, generic or
    /// generated at run time; the message says why.</exception>
    public static Task<TResult> Submit<T, TResult>(
        this Processed executor,
        Func<T, TResult> function,
        T argument,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(function);
        return executor.Call<T, TResult>(Callable.ofDelegate(nameof(function), function), argument, cancellationToken);
    }
}
