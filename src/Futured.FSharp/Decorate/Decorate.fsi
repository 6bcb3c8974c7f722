namespace Futured

/// <summary>
/// The original's <c>decorated</c>: an implementation of an interface of <c>Task</c>-returning methods whose
/// calls run the matching synchronous methods of an object on an executor.
/// </summary>
/// <remarks>
/// <para>Each method of the interface (inherited interfaces included) must return <c>Task</c> or
/// <c>Task&lt;T&gt;</c> and is matched, when decorating, with a public instance method of the target named
/// the same or the same without an <c>Async</c> suffix (the exact name first), with the same parameter types,
/// returning <c>void</c> for <c>Task</c> or a type assignable to <c>T</c> for <c>Task&lt;T&gt;</c>.</para>
/// <para>An interface method may end with a <c>CancellationToken</c> parameter the target method does not
/// take: the token then cancels the call while it waits for the executor (it never starts). When the target
/// method takes the token too, it receives it and the executor also honours it.</para>
/// <para>A call returns at once; an exception the target method throws faults the returned task with that
/// very exception.</para>
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
    /// <exception cref="T:System.ArgumentException">When <c>'IAsync</c> is not an interface, or when one or
    /// more of its methods cannot be matched with a method of <c>target</c>; the message names every such
    /// method and why.</exception>
    val decoratedOn<'IAsync, 'Target> : executor: IExecutor -> target: 'Target -> 'IAsync
