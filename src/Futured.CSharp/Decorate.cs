using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Futured;

public static partial class Futures
{
    /// <summary>
    /// Implements the interface <typeparamref name="TAsync"/> over <paramref name="target"/> (the original's
    /// <c>decorated</c>): each method runs the public synchronous method of the target with
    /// the same name (or the name without its <c>Async</c> suffix) and the same parameter types, on
    /// <paramref name="executor"/> or, when it is null, on the shared .NET thread pool. A trailing
    /// <see cref="CancellationToken"/> parameter the target method does not take cancels the call while it is queued.
    /// </summary>
    /// <typeparam name="TAsync">An interface whose methods return <see cref="Task"/>, <see cref="Task{TResult}"/>,
    /// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</typeparam>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <param name="executor">The executor the calls run on (a <see cref="Futured.Threaded"/> or
    /// <see cref="Futured.Asynced"/>); null for the shared thread pool.</param>
    /// <returns>A proxy implementing <typeparamref name="TAsync"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="executor"/> runs work in other processes (a
    /// <c>Distributed</c>), when <typeparamref name="TAsync"/> is not an interface, or when any of its methods has no
    /// match on the target; the message names every such method.</exception>
    public static TAsync Decorate<TAsync>(object target, IExecutor? executor = null)
        where TAsync : class
    {
        ArgumentNullException.ThrowIfNull(target);
        return executor is null
            ? Futured.Decorate.decorated<TAsync, object>(target)
            : Futured.Decorate.decoratedOn<TAsync, object>(executor, target);
    }

    /// <summary>
    /// Implements the interface <typeparamref name="TAsync"/> over <paramref name="target"/> with an executor chosen
    /// per method, as the original's <c>decorated(Client, request=threaded)</c>: each method named in
    /// <paramref name="executors"/> runs the matching synchronous method of the target on the executor given with its
    /// name. With no default executor, every method of the interface must be named. A name stands for the interface
    /// methods named exactly so or, when there are none, named so with an <c>Async</c> suffix (<c>"Request"</c> names
    /// <c>RequestAsync</c>). Every check happens here, never when a method is called.
    /// </summary>
    /// <remarks>A <see cref="Futured.Processed"/> is not an <see cref="IExecutor"/>: a worker process receives a static
    /// function and a serialised argument, and a method call carries its target, which cannot cross to another
    /// process as the same object. For the same reason a <c>Distributed</c> executor is refused when decorating.</remarks>
    /// <typeparam name="TAsync">An interface whose methods return <see cref="Task"/>, <see cref="Task{TResult}"/>,
    /// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</typeparam>
    /// <typeparam name="TTarget">The type of the target.</typeparam>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <param name="executors">Pairs of an interface method name and the executor its calls run on (a
    /// <see cref="Futured.Threaded"/>, an <see cref="Futured.Asynced"/>, or any <see cref="IExecutor"/>).</param>
    /// <returns>A proxy implementing <typeparamref name="TAsync"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="target"/> or <paramref name="executors"/> is null,
    /// or a name or an executor in <paramref name="executors"/> is null.</exception>
    /// <exception cref="ArgumentException">Naming <paramref name="executors"/>: when a name matches no method of
    /// <typeparamref name="TAsync"/>, when a method is given two executors, when a method is not named, or when an
    /// executor runs work in other processes (a <c>Distributed</c>). Naming
    /// <paramref name="target"/>: when a method has no match on the target (the message names every such method).
    /// When <typeparamref name="TAsync"/> is not an interface.</exception>
    public static TAsync Decorate<TAsync, TTarget>(TTarget target, params (string Method, IExecutor Executor)[] executors)
        where TAsync : class
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(executors);
        return Futured.Decorate.decoratedWith<TAsync, TTarget>(ToList(executors), FSharpOption<IExecutor>.None, target);
    }

    /// <summary>
    /// Implements the interface <typeparamref name="TAsync"/> over <paramref name="target"/> with an executor chosen
    /// per method: each method named in <paramref name="executors"/> runs on the executor given with its name, every
    /// other method on <paramref name="defaultExecutor"/>. Names are matched as in
    /// <see cref="Decorate{TAsync, TTarget}(TTarget, ValueTuple{string, IExecutor}[])"/>.
    /// </summary>
    /// <typeparam name="TAsync">An interface whose methods return <see cref="Task"/>, <see cref="Task{TResult}"/>,
    /// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</typeparam>
    /// <typeparam name="TTarget">The type of the target.</typeparam>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <param name="defaultExecutor">The executor of every method not named in <paramref name="executors"/>.</param>
    /// <param name="executors">Pairs of an interface method name and the executor its calls run on.</param>
    /// <returns>A proxy implementing <typeparamref name="TAsync"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="target"/>, <paramref name="defaultExecutor"/> or
    /// <paramref name="executors"/> is null, or a name or an executor in <paramref name="executors"/> is null.</exception>
    /// <exception cref="ArgumentException">Naming <paramref name="executors"/>: when a name matches no method of
    /// <typeparamref name="TAsync"/>, a method is given two executors, or an executor runs work in other processes.
    /// Naming <paramref name="defaultExecutor"/>: when it runs work in other processes (a <c>Distributed</c>). Naming
    /// <paramref name="target"/>: when a
    /// method has no match on the target. When <typeparamref name="TAsync"/> is not an interface.</exception>
    public static TAsync Decorate<TAsync, TTarget>(
        TTarget target,
        IExecutor defaultExecutor,
        params (string Method, IExecutor Executor)[] executors)
        where TAsync : class
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(defaultExecutor);
        ArgumentNullException.ThrowIfNull(executors);
        return Futured.Decorate.decoratedWith<TAsync, TTarget>(
            ToList(executors),
            FSharpOption<IExecutor>.Some(defaultExecutor),
            target);
    }

    private static FSharpList<Tuple<string, IExecutor>> ToList((string Method, IExecutor Executor)[] executors) =>
        ListModule.OfArray(Array.ConvertAll(executors, e => Tuple.Create(e.Method, e.Executor)));
}
