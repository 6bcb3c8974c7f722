namespace Futured

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// <summary>
/// A mutable set of running tasks, the original's <c>tasks</c>: add tasks at any time, take them back as
/// they complete with <see cref="M:Futured.TaskSet`1.Pop"/> or by enumerating the set. Enumeration yields
/// each completed <see cref="T:System.Threading.Tasks.Task`1"/> itself (not its result), so the caller
/// can inspect a fault and <c>Add</c> a retry; tasks added during the enumeration are included, and it
/// ends when the set is empty. Each completion costs O(1): completed tasks reach a queue from their own
/// continuations.
/// </summary>
/// <remarks>
/// <c>DisposeAsync</c> stops the set accepting tasks and waits for every task still running; faults of
/// tasks never taken from the set are observed, not raised. A set may be enumerated, popped and added to
/// from several threads; each completed task is handed out exactly once. An enumeration's deadline and
/// cancellation follow the rule of the <c>Futured</c> streams: the clock starts at the first
/// <c>MoveNextAsync</c>, a task completed before the deadline is yielded before the
/// <see cref="T:System.TimeoutException"/>, and the token given to <c>GetAsyncEnumerator</c> raises
/// <see cref="T:System.OperationCanceledException"/>.
/// </remarks>
[<Sealed>]
type TaskSet<'T> =

    /// <summary>Creates an empty set with no deadline.</summary>
    new: unit -> TaskSet<'T>

    /// <summary>Creates a set holding the given running tasks, with no deadline.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    new: tasks: seq<Task<'T>> -> TaskSet<'T>

    /// <summary>Creates a set holding the given running tasks whose enumerations have a total deadline.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <param name="timeout">The deadline of each enumeration, measured from its first <c>MoveNextAsync</c> (as for
    /// the streams of <c>Futured</c>, with the same message): when it passes with tasks still running, every task
    /// already completed is yielded and then <c>MoveNextAsync</c> throws <see cref="T:System.TimeoutException"/>.
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/> means none.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about 49.7 days,
    /// such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    new: tasks: seq<Task<'T>> * timeout: TimeSpan -> TaskSet<'T>

    /// Creates a set whose deadline runs on the given clock (for tests).
    internal new: tasks: seq<Task<'T>> * timeout: TimeSpan voption * clock: TimeProvider -> TaskSet<'T>

    /// <summary>Adds a running task to the set (also while the set is being enumerated).</summary>
    /// <param name="task">The task.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>task</c> is null.</exception>
    /// <exception cref="T:System.ObjectDisposedException">When the set has been disposed.</exception>
    member Add: task: Task<'T> -> unit

    /// <summary>How many tasks are in the set, running or completed: added and not yet claimed by a
    /// <c>Pop</c> or by a <c>MoveNextAsync</c> of an enumeration (a pending one has claimed its task).</summary>
    member Count: int

    /// <summary>
    /// Removes the next task to complete and returns it once it has completed, without raising its fault:
    /// the returned task succeeds with the completed task, which the caller inspects. The pop waits
    /// asynchronously when no task in the set has completed yet, and claims its task at once: a set
    /// holding one task and popped twice throws on the second call.
    /// </summary>
    /// <returns>A task that completes with the next completed task of the set.</returns>
    /// <exception cref="T:System.InvalidOperationException">When the set is empty.</exception>
    member Pop: unit -> Task<Task<'T>>

    /// <summary>Like <c>Pop</c>, and gives up waiting when the token is cancelled (the claimed task then
    /// stays in the set).</summary>
    /// <param name="cancellationToken">Stops the wait with <see cref="T:System.OperationCanceledException"/>.</param>
    /// <returns>A task that completes with the next completed task of the set.</returns>
    /// <exception cref="T:System.InvalidOperationException">When the set is empty.</exception>
    member Pop: cancellationToken: CancellationToken -> Task<Task<'T>>

    /// <summary>Stops accepting tasks and waits for every task still running in the set.</summary>
    /// <returns>A task that completes when every task of the set has completed; it never faults.</returns>
    member DisposeAsync: unit -> ValueTask

    interface IAsyncEnumerable<Task<'T>>
    interface IAsyncDisposable

/// Functions over <see cref="T:Futured.TaskSet`1"/>.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TaskSet =

    /// <summary>A set holding the given running tasks.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The set.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    val ofSeq: tasks: seq<Task<'T>> -> TaskSet<'T>

    /// <summary>A set holding the given running tasks, each enumeration of it within a total deadline.</summary>
    /// <param name="timeout">The deadline of each enumeration, from its first <c>MoveNextAsync</c>;
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/> means none.</param>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The set.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about 49.7 days,
    /// such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val within: timeout: TimeSpan -> tasks: seq<Task<'T>> -> TaskSet<'T>
