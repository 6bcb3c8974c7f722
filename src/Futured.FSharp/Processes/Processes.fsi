namespace Futured

open System
open System.Threading
open System.Threading.Tasks

/// The wrapper over a shared worker-process executor, the original's <c>processed</c>.
[<AutoOpen>]
module Processes =

    /// <summary>
    /// Wraps a function so that each call runs in one of a shared pool of worker processes (as many as
    /// the machine has processors, started on demand, ended when this process exits) and returns a
    /// task of its result. The rules of <see cref="T:Futured.Processed"/> apply.
    /// </summary>
    /// <param name="f">A function without captured state.</param>
    /// <returns>A function that starts a call and returns its task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state or comes from a dynamic assembly.</exception>
    val processed: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// The shared pool that <c>processed</c> uses (created on first use), for the C# facade.
    val internal sharedPool: unit -> Processed

    /// <summary>
    /// Like <c>processed</c>, for a delegate (a static method, or a lambda that captures nothing): each call
    /// runs in the shared pool of worker processes. The form the C# facade's <c>Futures.Processed</c> uses,
    /// since an F# function made from a delegate captures the delegate.
    /// </summary>
    /// <param name="f">A delegate without captured state.</param>
    /// <returns>A delegate whose calls run in the shared pool.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state, is multicast, generic or
    /// generated at run time.</exception>
    val internal processedFunc: f: Func<'a, 'b> -> Func<'a, Task<'b>>

    /// <summary>
    /// Runs <c>body value</c> for each value in a child process of its own (the original's
    /// <c>forked</c>; .NET cannot fork, so each child is a fresh worker process that makes one call and
    /// exits). Values are taken lazily, at most <c>maxWorkers</c> children run at once, in input
    /// order. The first failure stops new children from starting; the task completes when every
    /// child has exited.
    /// </summary>
    /// <param name="maxWorkers">The most children running at once.</param>
    /// <param name="body">A function without captured state (the rules of <see cref="T:Futured.Processed"/>).</param>
    /// <param name="values">The values, consumed lazily and serialised to the children as JSON.</param>
    /// <returns>A task that completes when every child has exited, faulted with a
    /// <see cref="T:Futured.ForkedException"/> (index, value, exit code, and the remote exception or
    /// crash as inner exception) for the first child that failed.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>body</c> or <c>values</c> is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>body</c> captures state or comes from a dynamic assembly.</exception>
    val forked: maxWorkers: int -> body: ('a -> unit) -> values: seq<'a> -> Task

    /// <summary>
    /// <c>forked</c> under a cancellation token: cancelling it kills the running children (each with its
    /// process group, so what a child started goes too) and starts no further value; the task then ends
    /// cancelled, once every running child has exited. A child that failed before is still raised as
    /// <see cref="T:Futured.ForkedException"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops the run: kills the running children, starts no more.</param>
    /// <param name="maxWorkers">The most children running at once.</param>
    /// <param name="body">A function without captured state (the rules of <see cref="T:Futured.Processed"/>).</param>
    /// <param name="values">The values, consumed lazily and serialised to the children as JSON.</param>
    /// <returns>A task that completes when every child has exited: faulted with a
    /// <see cref="T:Futured.ForkedException"/> for the first child that failed, otherwise cancelled
    /// (<see cref="T:System.OperationCanceledException"/>) when the token was cancelled.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>body</c> or <c>values</c> is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>body</c> captures state or comes from a dynamic assembly.</exception>
    val forkedCancellable:
        cancellationToken: CancellationToken -> maxWorkers: int -> body: ('a -> unit) -> values: seq<'a> -> Task
