using System.Runtime.CompilerServices;
using Microsoft.FSharp.Core;

namespace Futured;

public static partial class Futures
{
    /// <summary>
    /// Wraps an asynchronous function that returns a <see cref="ValueTask{TResult}"/>, with no bound on calls in
    /// flight: each call's value task becomes a task at once (so it is awaited only once), and an exception the
    /// function throws before its first await faults the returned task; a fault surfaces as the original exception.
    /// The result works with the map family as it is. An async lambda whose return type is not written out, or a
    /// method returning a <see cref="Task{TResult}"/>, still binds to
    /// <see cref="Asynced{T, TResult}(Func{T, Task{TResult}})"/>; write <c>async ValueTask&lt;int&gt; (int x) =&gt; …</c>
    /// or pass a method returning a value task to use this one.
    /// </summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The asynchronous function.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    [OverloadResolutionPriority(-1)]
    public static Func<T, Task<TResult>> Asynced<T, TResult>(Func<T, ValueTask<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var wrapped = Executors.asyncedOfValueTask(FuncConvert.FromFunc(function));
        return wrapped.Invoke;
    }
}
