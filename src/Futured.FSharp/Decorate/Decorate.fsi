namespace Futured

/// <summary>
/// The original's <c>decorated</c>: an implementation of an interface of <c>Task</c>-returning methods whose
/// calls run the matching synchronous methods of an object on an executor.
/// </summary>
/// <remarks>
/// <para>Each method of the interface (inherited interfaces included) must return <c>Task</c>,
/// <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c> and is matched, when decorating, with a
/// public instance method of the target named the same or the same without an <c>Async</c> suffix (the exact
/// name first), with the same parameter types, returning <c>void</c> for <c>Task</c> and <c>ValueTask</c>, or a
/// type assignable to <c>T</c> for <c>Task&lt;T&gt;</c> and <c>ValueTask&lt;T&gt;</c>.</para>
/// <para>An interface method may end with a <c>CancellationToken</c> parameter the target method does not
/// take: the token then cancels the call while it waits for the executor (it never starts). When the target
/// method takes the token too, it receives it and the executor also honours it.</para>
/// <para>A call returns at once; an exception the target method throws faults the returned task with that
/// very exception.</para>
/// <para>A <see cref="T:Futured.Processed"/> is not an <see cref="T:Futured.IExecutor"/> and cannot run decorated
/// methods: a worker process receives a function without captured state and a serialised argument, and a call of
/// an instance method carries its target, which cannot cross to another process as the same object. For the same
/// reason a <c>Distributed</c> executor (package <c>Futured.Orleans</c>) is refused when decorating.</para>
/// </remarks>
[<AutoOpen>]
module Decorate =

    /// <summary>
    /// Implements the interface <c>'IAsync</c> over <c>target</c>: each call runs the matching synchronous
    /// method on the shared .NET thread pool (use <c>decoratedOn</c> with a <see cref="T:Futured.Threaded"/> to give
    /// blocking methods threads of their own). F#: <c>decorated&lt;IStoreAsync, _&gt; store</c>.
    /// </summary>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <returns>A proxy implementing <c>'IAsync</c>.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>target</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>'IAsync</c> is not an interface, or when one or
    /// more of its methods cannot be matched with a method of <c>target</c>; the message names every such
    /// method and why.</exception>
    val decorated<'IAsync, 'Target> : target: 'Target -> 'IAsync

    /// <summary>
    /// Implements the interface <c>'IAsync</c> over <c>target</c>: each call runs the matching synchronous
    /// method on <c>executor</c> (a <see cref="T:Futured.Threaded"/> or <see cref="T:Futured.Asynced"/>, or any
    /// <see cref="T:Futured.IExecutor"/>), so the executor's bound and queue apply.
    /// </summary>
    /// <param name="executor">The executor the calls run on.</param>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <returns>A proxy implementing <c>'IAsync</c>.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>executor</c> or <c>target</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>executor</c> runs work in other processes (a
    /// <c>Distributed</c>), when <c>'IAsync</c> is not an interface, or when one or
    /// more of its methods cannot be matched with a method of <c>target</c>; the message names every such
    /// method and why.</exception>
    val decoratedOn<'IAsync, 'Target> : executor: IExecutor -> target: 'Target -> 'IAsync

    /// <summary>
    /// Implements the interface <c>'IAsync</c> over <c>target</c> with an executor chosen per method, as the
    /// original's <c>decorated(Client, request=threaded)</c>: each interface method named in <c>executors</c>
    /// runs on the executor given with its name, every other method on <c>defaultExecutor</c>. F#:
    /// <c>decoratedWith&lt;IClientAsync, _&gt; [ "Request", pool; "Send", limiter ] None client</c>.
    /// </summary>
    /// <remarks>A name stands for the interface methods named exactly so (every overload) or, when there is
    /// none, for those named so with an <c>Async</c> suffix: <c>"Request"</c> names <c>RequestAsync</c>. Every
    /// check happens when decorating, never when a method is called.</remarks>
    /// <param name="executors">Pairs of an interface method name and the executor its calls run on (a
    /// <see cref="T:Futured.Threaded"/>, an <see cref="T:Futured.Asynced"/>, or any
    /// <see cref="T:Futured.IExecutor"/>).</param>
    /// <param name="defaultExecutor">The executor of the methods not named in <c>executors</c>; with
    /// <c>None</c>, every method of the interface must be named.</param>
    /// <param name="target">The object whose synchronous methods run.</param>
    /// <returns>A proxy implementing <c>'IAsync</c>.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>executors</c> or <c>target</c> is null, or a
    /// name or an executor in <c>executors</c> is null (naming <c>executors</c>), or <c>defaultExecutor</c> is
    /// <c>Some null</c>.</exception>
    /// <exception cref="T:System.ArgumentException">Naming <c>executors</c>: when a name matches no method of
    /// <c>'IAsync</c> (the message names it and lists the methods), when a method is given two executors, or
    /// when <c>defaultExecutor</c> is <c>None</c> and a method is not named (the message names every such
    /// method), or when an executor runs work in other processes (a <c>Distributed</c>; naming
    /// <c>defaultExecutor</c> when it is the default). Naming <c>target</c>: when a method cannot be matched with a method of <c>target</c>, as for
    /// <c>decorated</c>. When <c>'IAsync</c> is not an interface.</exception>
    val decoratedWith<'IAsync, 'Target> :
        executors: (string * IExecutor) list -> defaultExecutor: IExecutor option -> target: 'Target -> 'IAsync
