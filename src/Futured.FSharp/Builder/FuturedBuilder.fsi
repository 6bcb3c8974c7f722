namespace Futured

#nowarn "1204"

open System
open System.ComponentModel
open System.Threading.Tasks
open Microsoft.FSharp.Control
open Microsoft.FSharp.Core.CompilerServices

/// <summary>
/// The builder of <c>futured { }</c>: a <see cref="T:System.Threading.Tasks.Task`1"/> built on F#'s
/// resumable code, compiled to the same kind of state machine as <c>task { }</c> (FSharp.Core's
/// <c>TaskCode</c> and <c>TaskStateMachineData</c>). Beyond <c>task</c> it binds any awaitable, <c>Async</c>
/// (started at once on the current thread), runs <c>for</c> over <c>IAsyncEnumerable</c>, and <c>and!</c>
/// starts every operand before awaiting any. The members here are the ones that need no extension; the
/// overloads that do (awaitables, <c>Async</c>, asynchronous sequences, <c>use</c>) are in the
/// <c>FuturedBuilder*Priority</c> modules, opened with <c>open Futured</c>.
/// </summary>
[<Sealed>]
type FuturedBuilder =

    /// <summary>Creates a builder; use the <c>futured</c> value instead.</summary>
    new: unit -> FuturedBuilder

    /// <summary>The empty block.</summary>
    /// <returns>Code that does nothing.</returns>
    member inline Zero: unit -> TaskCode<'TOverall, unit>

    /// <summary><c>return value</c>.</summary>
    /// <param name="value">The block's result.</param>
    /// <returns>Code that ends the block with the value.</returns>
    member inline Return: value: 'T -> TaskCode<'T, 'T>

    /// <summary>Delays a block until it runs.</summary>
    /// <param name="generator">Builds the block's code.</param>
    /// <returns>The delayed code.</returns>
    member inline Delay: [<InlineIfLambda>] generator: (unit -> TaskCode<'TOverall, 'T>) -> TaskCode<'TOverall, 'T>

    /// <summary>Runs one statement, then the rest of the block.</summary>
    /// <param name="first">The statement.</param>
    /// <param name="second">The rest.</param>
    /// <returns>The sequenced code.</returns>
    member inline Combine: first: TaskCode<'TOverall, unit> * second: TaskCode<'TOverall, 'T> -> TaskCode<'TOverall, 'T>

    /// <summary><c>while condition do body</c>, awaiting inside the body as needed.</summary>
    /// <param name="condition">Checked before each iteration.</param>
    /// <param name="body">The loop body.</param>
    /// <returns>The loop.</returns>
    member inline While:
        [<InlineIfLambda>] condition: (unit -> bool) * body: TaskCode<'TOverall, unit> -> TaskCode<'TOverall, unit>

    /// <summary><c>try ... with</c>; the handler may await.</summary>
    /// <param name="body">The protected code.</param>
    /// <param name="handler">Runs with the exception the body raised.</param>
    /// <returns>The protected code.</returns>
    member inline TryWith:
        body: TaskCode<'TOverall, 'T> * [<InlineIfLambda>] handler: (exn -> TaskCode<'TOverall, 'T>) ->
            TaskCode<'TOverall, 'T>

    /// <summary><c>try ... finally</c>.</summary>
    /// <param name="body">The protected code.</param>
    /// <param name="compensation">Runs when the body ends, however it ends.</param>
    /// <returns>The protected code.</returns>
    member inline TryFinally:
        body: TaskCode<'TOverall, 'T> * [<InlineIfLambda>] compensation: (unit -> unit) -> TaskCode<'TOverall, 'T>

    /// <summary><c>for x in source do body</c> over a synchronous sequence.</summary>
    /// <param name="source">The sequence; its enumerator is disposed when the loop ends.</param>
    /// <param name="body">The loop body.</param>
    /// <returns>The loop.</returns>
    member inline For:
        source: seq<'T> * [<InlineIfLambda>] body: ('T -> TaskCode<'TOverall, unit>) -> TaskCode<'TOverall, unit>

    /// <summary><c>let! x = task</c> of a <see cref="T:System.Threading.Tasks.Task`1"/>: continues with its
    /// result, or raises its original exception.</summary>
    /// <param name="task">The task.</param>
    /// <param name="continuation">The rest of the block.</param>
    /// <returns>The code that awaits the task.</returns>
    /// <exception cref="T:System.ArgumentNullException">(from the block) When <c>task</c> is null.</exception>
    member inline Bind:
        task: Task<'TResult1> * continuation: ('TResult1 -> TaskCode<'TOverall, 'TResult2>) ->
            TaskCode<'TOverall, 'TResult2>

    /// <summary><c>return! task</c> of a <see cref="T:System.Threading.Tasks.Task`1"/>.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The code that ends the block with the task's result.</returns>
    member inline ReturnFrom: task: Task<'T> -> TaskCode<'T, 'T>

    /// <summary><c>let! a = left and! b = right</c> of two tasks: waits for both, then gives both results, or
    /// raises the first failure in operand order (every other fault observed).</summary>
    /// <param name="left">The first operand.</param>
    /// <param name="right">The second operand.</param>
    /// <returns>A task of both results.</returns>
    member inline MergeSources: left: Task<'a> * right: Task<'b> -> Task<'a * 'b>

    /// <summary>Starts the block: runs it synchronously up to its first incomplete await.</summary>
    /// <param name="code">The block.</param>
    /// <returns>The block's task.</returns>
    member inline Run: code: TaskCode<'T, 'T> -> Task<'T>

    /// <summary>Infrastructure: runs a block the compiler could not turn into a state machine.</summary>
    /// <param name="code">The block.</param>
    /// <returns>The block's task.</returns>
    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member RunDynamic: code: TaskCode<'T, 'T> -> Task<'T>

    /// <summary>Infrastructure: the await of an awaitable in a block run without a state machine.</summary>
    /// <param name="sm">The running block.</param>
    /// <param name="awaitable">What is awaited.</param>
    /// <param name="continuation">The rest of the block.</param>
    /// <returns>Whether the block finished.</returns>
    [<EditorBrowsable(EditorBrowsableState.Never)>]
    [<NoEagerConstraintApplication>]
    static member inline BindDynamic< ^Awaitable, ^Awaiter, 'TResult1, 'TResult2, 'TOverall
        when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
        and ^Awaiter :> System.Runtime.CompilerServices.ICriticalNotifyCompletion
        and ^Awaiter: (member get_IsCompleted: unit -> bool)
        and ^Awaiter: (member GetResult: unit -> 'TResult1)> :
        sm: byref<TaskStateMachine<'TOverall>> *
        awaitable: ^Awaitable *
        continuation: ('TResult1 -> TaskCode<'TOverall, 'TResult2>) ->
            bool

    /// <summary>Infrastructure: the await of a task in a block run without a state machine.</summary>
    /// <param name="sm">The running block.</param>
    /// <param name="task">What is awaited.</param>
    /// <param name="continuation">The rest of the block.</param>
    /// <returns>Whether the block finished.</returns>
    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member BindTaskDynamic:
        sm: byref<TaskStateMachine<'TOverall>> *
        task: Task<'TResult1> *
        continuation: ('TResult1 -> TaskCode<'TOverall, 'TResult2>) ->
            bool

    /// <summary>Infrastructure: starts the task that awaits an <c>and!</c> operand with no
    /// SynchronizationContext current, so that the join never resumes on the caller's context.</summary>
    /// <param name="start">Starts the task.</param>
    /// <returns>The started task.</returns>
    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member inline Detached: [<InlineIfLambda>] start: (unit -> Task<'T>) -> Task<'T>

    /// <summary>Infrastructure: the join behind <c>and!</c> once both operands run.</summary>
    /// <param name="left">The first operand.</param>
    /// <param name="right">The second operand.</param>
    /// <returns>A task of both results, or of the first failure in operand order.</returns>
    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member Both: left: Task<'a> * right: Task<'b> -> Task<'a * 'b>

/// The <c>futured</c> value, opened with <c>open Futured</c>.
[<AutoOpen>]
module FuturedBuilderValue =

    /// <summary>
    /// Builds a <see cref="T:System.Threading.Tasks.Task`1"/>, as <c>task { }</c> does, and also binds
    /// <c>Async</c>, <c>ValueTask</c> and any awaitable (a command), runs <c>for</c> over
    /// <c>IAsyncEnumerable</c> (and over <c>xs.WithCancellation(token)</c> to give its enumerator a token),
    /// takes <c>IAsyncDisposable</c> in <c>use</c>, and runs the operands of <c>let! ... and! ...</c>
    /// concurrently: every operand starts before any is awaited.
    /// </summary>
    val futured: FuturedBuilder
