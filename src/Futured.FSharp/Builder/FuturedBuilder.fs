namespace Futured

// TaskStateMachineData and TaskBuilder.RunDynamic are FSharp.Core's public building blocks for task
// builders; they carry a "for compiled code" message (1204) that builders other than task must silence.
#nowarn "1204"
// Builders defined over existing resumable code invoke it directly (3513), as FSharp.Core's task does.
#nowarn "3513"

open System
open System.ComponentModel
open System.Runtime.CompilerServices
open System.Threading
open System.Threading.Tasks
open Microsoft.FSharp.Core.CompilerServices
open Microsoft.FSharp.Core.CompilerServices.StateMachineHelpers
open Microsoft.FSharp.Control
open Futured.Internal

[<Sealed>]
type FuturedBuilder() =

    member inline _.Zero() : TaskCode<'TOverall, unit> = ResumableCode.Zero()

    member inline _.Return(value: 'T) : TaskCode<'T, 'T> =
        TaskCode<'T, _>(fun sm ->
            sm.Data.Result <- value
            true)

    member inline _.Delay([<InlineIfLambda>] generator: unit -> TaskCode<'TOverall, 'T>) : TaskCode<'TOverall, 'T> =
        ResumableCode.Delay(fun () -> generator ())

    member inline _.Combine
        (first: TaskCode<'TOverall, unit>, second: TaskCode<'TOverall, 'T>)
        : TaskCode<'TOverall, 'T> =
        ResumableCode.Combine(first, second)

    member inline _.While
        ([<InlineIfLambda>] condition: unit -> bool, body: TaskCode<'TOverall, unit>)
        : TaskCode<'TOverall, unit> =
        ResumableCode.While(condition, body)

    member inline _.TryWith
        (body: TaskCode<'TOverall, 'T>, [<InlineIfLambda>] handler: exn -> TaskCode<'TOverall, 'T>)
        : TaskCode<'TOverall, 'T> =
        ResumableCode.TryWith(body, handler)

    member inline _.TryFinally
        (body: TaskCode<'TOverall, 'T>, [<InlineIfLambda>] compensation: unit -> unit)
        : TaskCode<'TOverall, 'T> =
        ResumableCode.TryFinally(
            body,
            ResumableCode<_, _>(fun _ ->
                compensation ()
                true)
        )

    member inline _.For
        (source: seq<'T>, [<InlineIfLambda>] body: 'T -> TaskCode<'TOverall, unit>)
        : TaskCode<'TOverall, unit> =
        ResumableCode.For(source, body)

    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member RunDynamic(code: TaskCode<'T, 'T>) : Task<'T> = TaskBuilder.RunDynamic code

    member inline _.Run(code: TaskCode<'T, 'T>) : Task<'T> =
        if __useResumableCode then
            __stateMachine<TaskStateMachineData<'T>, Task<'T>>
                (MoveNextMethodImpl<_>(fun sm ->
                    __resumeAt sm.ResumptionPoint
                    // The __stack_ prefix keeps these locals on the stack instead of in the state machine.
                    let mutable __stack_failure: exn = null

                    try
                        let __stack_done = code.Invoke(&sm)

                        if __stack_done then
                            sm.Data.MethodBuilder.SetResult(sm.Data.Result)
                    with e ->
                        __stack_failure <- e

                    // Faulting the task outside the handler keeps its continuations off the unwinding stack.
                    if not (isNull __stack_failure) then
                        sm.Data.MethodBuilder.SetException __stack_failure))
                (SetStateMachineMethodImpl<_>(fun sm state -> sm.Data.MethodBuilder.SetStateMachine state))
                (AfterCode<_, _>(fun sm ->
                    sm.Data.MethodBuilder <- AsyncTaskMethodBuilder<'T>.Create()
                    sm.Data.MethodBuilder.Start(&sm)
                    sm.Data.MethodBuilder.Task))
        else
            FuturedBuilder.RunDynamic code

    [<EditorBrowsable(EditorBrowsableState.Never)>]
    [<NoEagerConstraintApplication>]
    static member inline BindDynamic< ^Awaitable, ^Awaiter, 'TResult1, 'TResult2, 'TOverall
        when ^Awaitable: (member GetAwaiter: unit -> ^Awaiter)
        and ^Awaiter :> ICriticalNotifyCompletion
        and ^Awaiter: (member get_IsCompleted: unit -> bool)
        and ^Awaiter: (member GetResult: unit -> 'TResult1)>
        (
            sm: byref<TaskStateMachine<'TOverall>>,
            awaitable: ^Awaitable,
            continuation: 'TResult1 -> TaskCode<'TOverall, 'TResult2>
        ) : bool =
        let mutable awaiter = (^Awaitable: (member GetAwaiter: unit -> ^Awaiter) awaitable)

        let resume =
            TaskResumptionFunc<'TOverall>(fun sm ->
                let value = (^Awaiter: (member GetResult: unit -> 'TResult1) awaiter)
                (continuation value).Invoke(&sm))

        if (^Awaiter: (member get_IsCompleted: unit -> bool) awaiter) then
            resume.Invoke(&sm)
        else
            sm.ResumptionDynamicInfo.ResumptionData <- (awaiter :> ICriticalNotifyCompletion)
            sm.ResumptionDynamicInfo.ResumptionFunc <- resume
            false

    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member BindTaskDynamic
        (
            sm: byref<TaskStateMachine<'TOverall>>,
            task: Task<'TResult1>,
            continuation: 'TResult1 -> TaskCode<'TOverall, 'TResult2>
        ) : bool =
        let mutable awaiter = task.GetAwaiter()

        let resume =
            TaskResumptionFunc<'TOverall>(fun sm -> (continuation (awaiter.GetResult())).Invoke(&sm))

        if awaiter.IsCompleted then
            resume.Invoke(&sm)
        else
            sm.ResumptionDynamicInfo.ResumptionData <- (awaiter :> ICriticalNotifyCompletion)
            sm.ResumptionDynamicInfo.ResumptionFunc <- resume
            false

    member inline _.Bind
        (task: Task<'TResult1>, continuation: 'TResult1 -> TaskCode<'TOverall, 'TResult2>)
        : TaskCode<'TOverall, 'TResult2> =
        TaskCode<'TOverall, _>(fun sm ->
            if isNull task then
                nullArg "task"

            if __useResumableCode then
                let mutable awaiter = task.GetAwaiter()
                let mutable __stack_ready = true

                if not awaiter.IsCompleted then
                    let __stack_resumed = ResumableCode.Yield().Invoke(&sm)
                    __stack_ready <- __stack_resumed

                if __stack_ready then
                    (continuation (awaiter.GetResult())).Invoke(&sm)
                else
                    sm.Data.MethodBuilder.AwaitUnsafeOnCompleted(&awaiter, &sm)
                    false
            else
                FuturedBuilder.BindTaskDynamic(&sm, task, continuation))

    member inline this.ReturnFrom(task: Task<'T>) : TaskCode<'T, 'T> =
        this.Bind(task, (fun (value: 'T) -> this.Return value))

    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member inline Detached([<InlineIfLambda>] start: unit -> Task<'T>) : Task<'T> =
        // The awaits of the started code capture no SynchronizationContext: it runs with none current.
        let context = SynchronizationContext.Current

        if not (isNull context) then
            SynchronizationContext.SetSynchronizationContext null

        try
            start ()
        finally
            if not (isNull context) then
                SynchronizationContext.SetSynchronizationContext context

    member inline _.MergeSources(left: Task<'a>, right: Task<'b>) : Task<'a * 'b> = FuturedBuilder.Both(left, right)

    [<EditorBrowsable(EditorBrowsableState.Never)>]
    static member Both(left: Task<'a>, right: Task<'b>) : Task<'a * 'b> =
        if left.IsCompletedSuccessfully && right.IsCompletedSuccessfully then
            Task.FromResult((left.Result, right.Result))
        else
            Merge.both left right

/// The futured { } value.
[<AutoOpen>]
module FuturedBuilderValue =

    let futured = FuturedBuilder()
