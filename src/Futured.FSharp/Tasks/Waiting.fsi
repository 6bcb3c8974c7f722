namespace Futured

open System
open System.Threading
open System.Threading.Tasks

/// <summary>
/// A waiting scope, the original's <c>waiting</c> (a nursery): tasks are registered when the scope is
/// created or while it is open, and leaving it waits for every one of them and gives their results in
/// registration order. When a task fails, the scope's <see cref="P:Futured.Waiting`1.Token"/> is
/// cancelled so that siblings which observe it stop; every task is still awaited, and then the failure is
/// raised: one fault as itself, several as one <see cref="T:System.AggregateException"/> holding each of
/// them in registration order. A task that ends cancelled after the scope cancelled its token is not a
/// fault; one cancelled by anything else is.
/// </summary>
/// <remarks>
/// Use it as a function with <see cref="M:Futured.WaitingModule.run``1"/> (the block's own exception counts as
/// a fault too), or hold it with <c>use</c> in <c>futured { }</c> (C#: <c>await using</c>) and call
/// <c>WaitAsync</c> at the end of the block for the results: leaving the block without it waits all the
/// same, in <c>DisposeAsync</c>, which raises the faults.
/// </remarks>
[<Sealed>]
type Waiting<'T> =

    /// <summary>Opens an empty scope.</summary>
    new: unit -> Waiting<'T>

    /// <summary>Opens a scope with the given running tasks registered.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    new: tasks: seq<Task<'T>> -> Waiting<'T>

    /// <summary>Opens a scope with the given running tasks registered, linked to an outer token: when
    /// <c>cancellationToken</c> is cancelled, the scope's <see cref="P:Futured.Waiting`1.Token"/> is cancelled
    /// too, and leaving the scope raises <see cref="T:System.OperationCanceledException"/> once every task has
    /// finished (faults of tasks, if any, are raised instead; cancellations are not faults then).</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <param name="cancellationToken">The outer token, e.g. a request's or the application's.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    new: tasks: seq<Task<'T>> * cancellationToken: CancellationToken -> Waiting<'T>

    /// <summary>Cancelled when a registered task fails (or the <c>run</c> block throws, or the outer token the
    /// scope was opened with is cancelled): pass it to the
    /// work of the scope so that it stops once a sibling has failed.</summary>
    member Token: CancellationToken

    /// <summary>How many tasks have been registered.</summary>
    member Count: int

    /// <summary>Registers a running task.</summary>
    /// <param name="task">The task.</param>
    /// <exception cref="T:System.ArgumentNullException">When <c>task</c> is null.</exception>
    /// <exception cref="T:System.ObjectDisposedException">When the scope has already been left.</exception>
    member Add: task: Task<'T> -> unit

    /// <summary>Starts work with the scope's token and registers its task; an exception the work throws
    /// synchronously faults the task instead of escaping, and a null task returned by the work is a task
    /// faulted with <see cref="T:System.ArgumentNullException"/> naming <c>work</c>.</summary>
    /// <param name="work">The work; it receives <see cref="P:Futured.Waiting`1.Token"/>.</param>
    /// <returns>The registered task.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>work</c> is null.</exception>
    /// <exception cref="T:System.ObjectDisposedException">When the scope has already been left.</exception>
    member Start: work: (CancellationToken -> Task<'T>) -> Task<'T>

    /// <summary>Leaves the scope: waits for every registered task (including tasks registered while
    /// waiting) and gives the results in registration order. Calling it again returns the same task.</summary>
    /// <returns>The results, in registration order.</returns>
    /// <exception cref="T:System.AggregateException">(from the returned task) When several tasks failed:
    /// every fault, in registration order. A single fault is raised as itself.</exception>
    member WaitAsync: unit -> Task<'T array>

    /// <summary>Leaves the scope as <c>WaitAsync</c> does, discarding the results and raising the faults.</summary>
    /// <returns>A task that completes when every registered task has completed.</returns>
    member DisposeAsync: unit -> ValueTask

    interface IAsyncDisposable

/// Functions that open a waiting scope.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Waiting =

    /// <summary>Opens a scope, runs the block with it, then waits for every task registered and gives
    /// their results in registration order. An exception thrown by the block cancels the scope's token and
    /// is raised (first, with any task faults) once every task has finished.</summary>
    /// <param name="body">The block: registers tasks with <c>Add</c> or <c>Start</c>.</param>
    /// <returns>The results, in registration order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>body</c> is null.</exception>
    val run: body: (Waiting<'T> -> Task<unit>) -> Task<'T array>

    /// <summary>Like <c>run</c>, with running tasks registered when the scope opens.</summary>
    /// <param name="tasks">Running tasks, registered first.</param>
    /// <param name="body">The block.</param>
    /// <returns>The results, in registration order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c>, one of them or <c>body</c> is null.</exception>
    val runWith: tasks: seq<Task<'T>> -> body: (Waiting<'T> -> Task<unit>) -> Task<'T array>

    /// <summary>Like <c>run</c>, linked to an outer token: when <c>cancellationToken</c> is cancelled, the
    /// scope's token is cancelled too (so the tasks started with it stop), and once every task has finished
    /// the result is an <see cref="T:System.OperationCanceledException"/>, never before. Faults of tasks or of
    /// the block, if any, are raised instead, as in <c>run</c>; cancellations are then not faults.</summary>
    /// <param name="cancellationToken">The outer token, e.g. a request's or the application's.</param>
    /// <param name="body">The block: registers tasks with <c>Add</c> or <c>Start</c>.</param>
    /// <returns>The results, in registration order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>body</c> is null.</exception>
    /// <exception cref="T:System.OperationCanceledException">(from the returned task) When the outer token was
    /// cancelled and no task failed otherwise.</exception>
    val runCancellable: cancellationToken: CancellationToken -> body: (Waiting<'T> -> Task<unit>) -> Task<'T array>

    /// <summary>Waits for every task and gives the results in order, raising every fault (one as itself,
    /// several as one AggregateException); the original's <c>waiting(*fs)</c> without a block.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, in order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> or one of them is null.</exception>
    val all: tasks: seq<Task<'T>> -> Task<'T array>
