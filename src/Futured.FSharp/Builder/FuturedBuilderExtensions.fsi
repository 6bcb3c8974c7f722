namespace Futured

#nowarn "1204"

open System
open System.Collections.Generic
open System.Runtime.CompilerServices
open System.Threading.Tasks
open Microsoft.FSharp.Control
open Microsoft.FSharp.Core.CompilerServices

/// <summary>
/// The <c>futured { }</c> overloads F# picks last: any awaitable (a type with <c>GetAwaiter</c>, such as
/// <c>ValueTask</c>, <c>ValueTask&lt;'T&gt;</c>, <c>Task.Yield()</c> or a command), <c>use</c> of
/// <see cref="T:System.IDisposable"/>, and <c>and!</c> of two awaitables. The three priority modules
/// are opened in order, so the later, more specific overloads win when several apply.
/// </summary>
[<AutoOpen>]
module FuturedBuilderLowPriority =

    type FuturedBuilder with

        /// <summary><c>let! x = awaitable</c> of anything with a <c>GetAwaiter</c>: continues with its result,
        /// or raises its exception.</summary>
        /// <param name="awaitable">The awaitable; a cold one (a command) starts here.</param>
        /// <param name="continuation">The rest of the block.</param>
        /// <returns>The code that awaits it.</returns>
        [<NoEagerConstraintApplication>]
        member inline Bind< ^Awaitable, ^Awaiter, 'TResult1, 'TResult2, 'TOverall
            when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
            and ^Awaiter :> ICriticalNotifyCompletion
            and ^Awaiter: (member get_IsCompleted: unit -> bool)
            and ^Awaiter: (member GetResult: unit -> 'TResult1)> :
            awaitable: ^Awaitable * continuation: ('TResult1 -> TaskCode<'TOverall, 'TResult2>) ->
                TaskCode<'TOverall, 'TResult2>

        /// <summary><c>return! awaitable</c> of anything with a <c>GetAwaiter</c>.</summary>
        /// <param name="awaitable">The awaitable.</param>
        /// <returns>The code that ends the block with its result.</returns>
        [<NoEagerConstraintApplication>]
        member inline ReturnFrom< ^Awaitable, ^Awaiter, 'T
            when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
            and ^Awaiter :> ICriticalNotifyCompletion
            and ^Awaiter: (member get_IsCompleted: unit -> bool)
            and ^Awaiter: (member GetResult: unit -> 'T)> : awaitable: ^Awaitable -> TaskCode<'T, 'T>

        /// <summary><c>use resource = ...</c> of an <see cref="T:System.IDisposable"/> that is not also
        /// <see cref="T:System.IAsyncDisposable"/>: disposed when the block ends, however it ends.</summary>
        /// <param name="resource">The resource; null is allowed and not disposed.</param>
        /// <param name="body">The rest of the block.</param>
        /// <returns>The code with the disposal.</returns>
        member inline Using:
            resource: 'Resource * [<InlineIfLambda>] body: ('Resource -> TaskCode<'TOverall, 'T>) ->
                TaskCode<'TOverall, 'T>
                when 'Resource :> IDisposable

        /// <summary><c>and!</c> of two awaitables: starts both (calls each <c>GetAwaiter</c>) before awaiting
        /// either, waits for both, then gives both results or the first failure in operand order.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        [<NoEagerConstraintApplication>]
        member inline MergeSources< ^A, ^AwaiterA, 'a, ^B, ^AwaiterB, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)
            and ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)> : left: ^A * right: ^B -> Task<'a * 'b>

/// <summary>
/// The <c>futured { }</c> overloads for <c>Async</c>, asynchronous sequences, <c>use</c> of
/// <see cref="T:System.IAsyncDisposable"/> (preferred to <c>IDisposable</c> when a value is both), and
/// <c>and!</c> of an awaitable with a task or an <c>Async</c>.
/// </summary>
[<AutoOpen>]
module FuturedBuilderMediumPriority =

    type FuturedBuilder with

        /// <summary><c>use resource = ...</c> of an <see cref="T:System.IAsyncDisposable"/>, also when it is
        /// <see cref="T:System.IDisposable"/> too (an executor): awaits its <c>DisposeAsync</c> when the block
        /// ends, however it ends, and never calls its blocking <c>Dispose</c>.</summary>
        /// <param name="resource">The resource; null is allowed and not disposed.</param>
        /// <param name="body">The rest of the block.</param>
        /// <returns>The code with the disposal.</returns>
        member inline Using:
            resource: 'Resource * [<InlineIfLambda>] body: ('Resource -> TaskCode<'TOverall, 'T>) ->
                TaskCode<'TOverall, 'T>
                when 'Resource :> IAsyncDisposable

        /// <summary><c>let! x = computation</c> of an <c>Async</c>: starts it at once on the current thread
        /// (as <c>Async.StartImmediateAsTask</c>), continues with its result or raises its original exception.</summary>
        /// <param name="computation">The computation.</param>
        /// <param name="continuation">The rest of the block.</param>
        /// <returns>The code that runs and awaits it.</returns>
        member inline Bind:
            computation: Async<'TResult1> * continuation: ('TResult1 -> TaskCode<'TOverall, 'TResult2>) ->
                TaskCode<'TOverall, 'TResult2>

        /// <summary><c>return! computation</c> of an <c>Async</c>.</summary>
        /// <param name="computation">The computation.</param>
        /// <returns>The code that ends the block with its result.</returns>
        member inline ReturnFrom: computation: Async<'T> -> TaskCode<'T, 'T>

        /// <summary><c>and!</c> of an awaitable and a task.</summary>
        /// <param name="left">The first operand, started here.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        [<NoEagerConstraintApplication>]
        member inline MergeSources< ^A, ^AwaiterA, 'a, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)> : left: ^A * right: Task<'b> -> Task<'a * 'b>

        /// <summary><c>and!</c> of a task and an awaitable.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand, started here.</param>
        /// <returns>A task of both results.</returns>
        [<NoEagerConstraintApplication>]
        member inline MergeSources< ^B, ^AwaiterB, 'a, 'b
            when ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)> : left: Task<'a> * right: ^B -> Task<'a * 'b>

        /// <summary><c>and!</c> of an <c>Async</c> and an awaitable; both start here.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        [<NoEagerConstraintApplication>]
        member inline MergeSources< ^B, ^AwaiterB, 'a, 'b
            when ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)> : left: Async<'a> * right: ^B -> Task<'a * 'b>

        /// <summary><c>and!</c> of an awaitable and an <c>Async</c>; both start here.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        [<NoEagerConstraintApplication>]
        member inline MergeSources< ^A, ^AwaiterA, 'a, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)> : left: ^A * right: Async<'b> -> Task<'a * 'b>

        /// <summary><c>for x in source do body</c> over an asynchronous sequence: awaits each
        /// <c>MoveNextAsync</c>, and awaits the enumerator's <c>DisposeAsync</c> when the loop ends, also
        /// through an exception. The enumerator gets no token: loop over <c>source.WithCancellation(token)</c>
        /// to give it one.</summary>
        /// <param name="source">The sequence.</param>
        /// <param name="body">The loop body.</param>
        /// <returns>The loop.</returns>
        /// <exception cref="T:System.ArgumentNullException">(from the block) When <c>source</c> is null.</exception>
        member inline For:
            source: IAsyncEnumerable<'T> * [<InlineIfLambda>] body: ('T -> TaskCode<'TOverall, unit>) ->
                TaskCode<'TOverall, unit>

        /// <summary><c>for x in source.WithCancellation(token) do body</c>: the enumerator gets the token.</summary>
        /// <param name="source">The configured sequence.</param>
        /// <param name="body">The loop body.</param>
        /// <returns>The loop.</returns>
        member inline For:
            source: ConfiguredCancelableAsyncEnumerable<'T> * [<InlineIfLambda>] body: ('T -> TaskCode<'TOverall, unit>) ->
                TaskCode<'TOverall, unit>

/// <summary>The <c>futured { }</c> overloads F# picks first: <c>and!</c> with <c>Async</c> operands.</summary>
[<AutoOpen>]
module FuturedBuilderHighPriority =

    type FuturedBuilder with

        /// <summary><c>and!</c> of two <c>Async</c>s; both start here.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        member inline MergeSources: left: Async<'a> * right: Async<'b> -> Task<'a * 'b>

        /// <summary><c>and!</c> of an <c>Async</c>, started here, and a task.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        member inline MergeSources: left: Async<'a> * right: Task<'b> -> Task<'a * 'b>

        /// <summary><c>and!</c> of a task and an <c>Async</c>, started here.</summary>
        /// <param name="left">The first operand.</param>
        /// <param name="right">The second operand.</param>
        /// <returns>A task of both results.</returns>
        member inline MergeSources: left: Task<'a> * right: Async<'b> -> Task<'a * 'b>
