namespace Futured

#nowarn "1204"
#nowarn "3513"

open System
open System.Collections.Generic
open System.Runtime.CompilerServices
open System.Threading
open System.Threading.Tasks
open Microsoft.FSharp.Core.CompilerServices
open Microsoft.FSharp.Core.CompilerServices.StateMachineHelpers
open Microsoft.FSharp.Control

[<AutoOpen>]
module FuturedBuilderLowPriority =

    type FuturedBuilder with

        [<NoEagerConstraintApplication>]
        member inline _.Bind< ^Awaitable, ^Awaiter, 'TResult1, 'TResult2, 'TOverall
            when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
            and ^Awaiter :> ICriticalNotifyCompletion
            and ^Awaiter: (member get_IsCompleted: unit -> bool)
            and ^Awaiter: (member GetResult: unit -> 'TResult1)>
            (awaitable: ^Awaitable, continuation: 'TResult1 -> TaskCode<'TOverall, 'TResult2>)
            : TaskCode<'TOverall, 'TResult2> =
            TaskCode<'TOverall, _>(fun sm ->
                if __useResumableCode then
                    let mutable awaiter = (^Awaitable: (member GetAwaiter: unit -> ^Awaiter) awaitable)
                    let mutable __stack_ready = true

                    if not ((^Awaiter: (member get_IsCompleted: unit -> bool) awaiter)) then
                        let __stack_resumed = ResumableCode.Yield().Invoke(&sm)
                        __stack_ready <- __stack_resumed

                    if __stack_ready then
                        let value = (^Awaiter: (member GetResult: unit -> 'TResult1) awaiter)
                        (continuation value).Invoke(&sm)
                    else
                        sm.Data.MethodBuilder.AwaitUnsafeOnCompleted(&awaiter, &sm)
                        false
                else
                    FuturedBuilder.BindDynamic< ^Awaitable, ^Awaiter, 'TResult1, 'TResult2, 'TOverall>(
                        &sm,
                        awaitable,
                        continuation
                    ))

        [<NoEagerConstraintApplication>]
        member inline this.ReturnFrom< ^Awaitable, ^Awaiter, 'T
            when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
            and ^Awaiter :> ICriticalNotifyCompletion
            and ^Awaiter: (member get_IsCompleted: unit -> bool)
            and ^Awaiter: (member GetResult: unit -> 'T)>
            (awaitable: ^Awaitable)
            : TaskCode<'T, 'T> =
            this.Bind(awaitable, (fun (value: 'T) -> this.Return value))

        // A value that is also IAsyncDisposable takes the Using of FuturedBuilderMediumPriority, opened later.
        member inline _.Using<'Resource, 'TOverall, 'T when 'Resource :> IDisposable | null>
            (resource: 'Resource, [<InlineIfLambda>] body: 'Resource -> TaskCode<'TOverall, 'T>)
            : TaskCode<'TOverall, 'T> =
            ResumableCode.Using(resource, body)

        [<NoEagerConstraintApplication>]
        member inline this.MergeSources< ^A, ^AwaiterA, 'a, ^B, ^AwaiterB, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)
            and ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)>
            (left: ^A, right: ^B)
            : Task<'a * 'b> =
            let left =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom left)))

            let right =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom right)))

            FuturedBuilder.Both(left, right)

[<AutoOpen>]
module FuturedBuilderMediumPriority =

    type FuturedBuilder with

        member inline this.Using<'Resource, 'TOverall, 'T when 'Resource :> IAsyncDisposable>
            (resource: 'Resource, [<InlineIfLambda>] body: 'Resource -> TaskCode<'TOverall, 'T>)
            : TaskCode<'TOverall, 'T> =
            ResumableCode.TryFinallyAsync(
                ResumableCode.Delay(fun () -> body resource),
                ResumableCode<_, _>(fun sm ->
                    if isNull (box resource) then
                        true
                    else
                        this.Bind(resource.DisposeAsync(), (fun () -> ResumableCode.Zero())).Invoke(&sm))
            )

        member inline this.Bind
            (computation: Async<'TResult1>, continuation: 'TResult1 -> TaskCode<'TOverall, 'TResult2>)
            : TaskCode<'TOverall, 'TResult2> =
            this.Bind(Async.StartImmediateAsTask computation, continuation)

        member inline this.ReturnFrom(computation: Async<'T>) : TaskCode<'T, 'T> =
            this.ReturnFrom(Async.StartImmediateAsTask computation)

        [<NoEagerConstraintApplication>]
        member inline this.MergeSources< ^A, ^AwaiterA, 'a, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)>
            (left: ^A, right: Task<'b>)
            : Task<'a * 'b> =
            let left =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom left)))

            FuturedBuilder.Both(left, right)

        [<NoEagerConstraintApplication>]
        member inline this.MergeSources< ^B, ^AwaiterB, 'a, 'b
            when ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)>
            (left: Task<'a>, right: ^B)
            : Task<'a * 'b> =
            let right =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom right)))

            FuturedBuilder.Both(left, right)

        [<NoEagerConstraintApplication>]
        member inline this.MergeSources< ^B, ^AwaiterB, 'a, 'b
            when ^B: (member GetAwaiter: unit -> ^AwaiterB)
            and ^AwaiterB :> ICriticalNotifyCompletion
            and ^AwaiterB: (member get_IsCompleted: unit -> bool)
            and ^AwaiterB: (member GetResult: unit -> 'b)>
            (left: Async<'a>, right: ^B)
            : Task<'a * 'b> =
            let left = Async.StartImmediateAsTask left

            let right =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom right)))

            FuturedBuilder.Both(left, right)

        [<NoEagerConstraintApplication>]
        member inline this.MergeSources< ^A, ^AwaiterA, 'a, 'b
            when ^A: (member GetAwaiter: unit -> ^AwaiterA)
            and ^AwaiterA :> ICriticalNotifyCompletion
            and ^AwaiterA: (member get_IsCompleted: unit -> bool)
            and ^AwaiterA: (member GetResult: unit -> 'a)>
            (left: ^A, right: Async<'b>)
            : Task<'a * 'b> =
            let left =
                FuturedBuilder.Detached(fun () -> this.Run(this.Delay(fun () -> this.ReturnFrom left)))

            let right = Async.StartImmediateAsTask right
            FuturedBuilder.Both(left, right)

        member inline this.For
            (source: IAsyncEnumerable<'T>, [<InlineIfLambda>] body: 'T -> TaskCode<'TOverall, unit>)
            : TaskCode<'TOverall, unit> =
            ResumableCode.Delay(fun () ->
                if isNull source then
                    nullArg "source"

                let enumerator = source.GetAsyncEnumerator CancellationToken.None
                let more = ref true

                ResumableCode.TryFinallyAsync(
                    ResumableCode.While(
                        (fun () -> more.Value),
                        TaskCode<'TOverall, unit>(fun sm ->
                            if __useResumableCode then
                                // A move that completed synchronously (the common case) is read from a
                                // stack local; only a pending one stores its awaiter in the state machine.
                                let mutable __stack_ready = true
                                let mutable __stack_moved = false
                                let __stack_move = enumerator.MoveNextAsync()

                                if __stack_move.IsCompletedSuccessfully then
                                    __stack_moved <- __stack_move.Result
                                else
                                    let mutable awaiter = __stack_move.GetAwaiter()
                                    let __stack_resumed = ResumableCode.Yield().Invoke(&sm)

                                    // Resumption jumps past the initialisations above: set both again.
                                    if __stack_resumed then
                                        __stack_ready <- true
                                        __stack_moved <- awaiter.GetResult()
                                    else
                                        sm.Data.MethodBuilder.AwaitUnsafeOnCompleted(&awaiter, &sm)
                                        __stack_ready <- false

                                if not __stack_ready then
                                    false
                                elif __stack_moved then
                                    (body enumerator.Current).Invoke(&sm)
                                else
                                    more.Value <- false
                                    true
                            else
                                this
                                    .Bind(
                                        enumerator.MoveNextAsync(),
                                        fun moved ->
                                            if moved then
                                                body enumerator.Current
                                            else
                                                more.Value <- false
                                                ResumableCode.Zero()
                                    )
                                    .Invoke(&sm))
                    ),
                    ResumableCode<_, _>(fun sm ->
                        this.Bind(enumerator.DisposeAsync(), (fun () -> ResumableCode.Zero())).Invoke(&sm))
                ))

        member inline this.For
            (source: ConfiguredCancelableAsyncEnumerable<'T>, [<InlineIfLambda>] body: 'T -> TaskCode<'TOverall, unit>)
            : TaskCode<'TOverall, unit> =
            ResumableCode.Delay(fun () ->
                let enumerator = source.GetAsyncEnumerator()
                let more = ref true

                ResumableCode.TryFinallyAsync(
                    ResumableCode.While(
                        (fun () -> more.Value),
                        ResumableCode.Delay(fun () ->
                            this.Bind(
                                enumerator.MoveNextAsync(),
                                fun moved ->
                                    if moved then
                                        body enumerator.Current
                                    else
                                        more.Value <- false
                                        ResumableCode.Zero()
                            ))
                    ),
                    ResumableCode<_, _>(fun sm ->
                        this.Bind(enumerator.DisposeAsync(), (fun () -> ResumableCode.Zero())).Invoke(&sm))
                ))

[<AutoOpen>]
module FuturedBuilderHighPriority =

    type FuturedBuilder with

        member inline _.MergeSources(left: Async<'a>, right: Async<'b>) : Task<'a * 'b> =
            let left = Async.StartImmediateAsTask left
            let right = Async.StartImmediateAsTask right
            FuturedBuilder.Both(left, right)

        member inline _.MergeSources(left: Async<'a>, right: Task<'b>) : Task<'a * 'b> =
            FuturedBuilder.Both(Async.StartImmediateAsTask left, right)

        member inline _.MergeSources(left: Task<'a>, right: Async<'b>) : Task<'a * 'b> =
            FuturedBuilder.Both(left, Async.StartImmediateAsTask right)
