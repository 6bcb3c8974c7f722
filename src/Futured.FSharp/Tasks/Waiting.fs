namespace Futured

open System
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Tasks
open Futured.Internal

/// A registered task, the continuation that classifies its outcome, and that outcome.
[<Sealed; AllowNullLiteral>]
type internal WaitingEntry<'T>(task: Task<'T>) =
    member _.Task = task
    member val Watcher: Task = null with get, set
    /// Set by the watcher: the task failed, and not because the scope cancelled it.
    member val Faulted = false with get, set

[<Sealed>]
type Waiting<'T>(tasks: seq<Task<'T>>, cancellationToken: CancellationToken) as this =
    let gate = obj ()
    let registered = ResizeArray<WaitingEntry<'T>>()
    let cancellation = new CancellationTokenSource()
    let mutable blockFailure: exn = null
    let mutable left: Task<'T array> = null
    let mutable closed = false
    // The outer token cancels the scope's token; registered once the first tasks are in, removed when the scope is left.
    let mutable outerRegistration = Unchecked.defaultof<CancellationTokenRegistration>

    /// Whether the scope's token (or the outer token, whose callbacks may not have reached the scope yet) is cancelled.
    let stopping () =
        cancellation.IsCancellationRequested
        || cancellationToken.IsCancellationRequested

    let cancelSiblings () =
        try
            cancellation.Cancel()
        with _ ->
            // A sibling's cancellation callback failed; its own task carries that failure.
            ()

    /// A cancellation the scope (or its outer token) caused, rather than a failure of the task.
    let causedByScope (work: Task) =
        stopping ()
        && (work.IsCanceled
            || (work.IsFaulted
                && work.Exception.InnerExceptions
                   |> Seq.forall (fun e -> e :? OperationCanceledException)))

    // Classified when the task completes: whether the scope was cancelled by then decides whether a
    // cancellation is the scope's doing.
    let classify (entry: WaitingEntry<'T>) (work: Task<'T>) =
        if not work.IsCompletedSuccessfully then
            Observe.task work

            if not (causedByScope work) then
                entry.Faulted <- true
                cancelSiblings ()

    let faultsOf (entry: WaitingEntry<'T>) : exn seq =
        if not entry.Faulted then
            Seq.empty
        elif entry.Task.IsCanceled then
            Seq.singleton (TaskCanceledException entry.Task :> exn)
        else
            entry.Task.Exception.InnerExceptions :> exn seq

    let leave () : Task<'T array> =
        task {
            let mutable waited = -1
            let mutable snapshot = [||]

            // Tasks may be registered while the scope waits (by its own tasks): wait until no new one came,
            // then close the scope in the same step.
            while not closed do
                snapshot <-
                    lock gate (fun () ->
                        if registered.Count = waited then
                            closed <- true

                        registered.ToArray())

                if not closed then
                    waited <- snapshot.Length
                    let watchers = snapshot |> Array.map (fun entry -> entry.Watcher)
                    do! Task.WhenAll(watchers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)

            outerRegistration.Unregister() |> ignore

            let faults =
                [|
                    if not (isNull blockFailure) then
                        blockFailure
                    for entry in snapshot do
                        yield! faultsOf entry
                |]

            match faults.Length with
            | 0 when cancellationToken.IsCancellationRequested ->
                return
                    raise (
                        OperationCanceledException(
                            "The waiting scope was cancelled by its outer token; every task has finished.",
                            cancellationToken
                        )
                    )
            | 0 -> return snapshot |> Array.map (fun entry -> entry.Task.Result)
            | 1 ->
                ExceptionDispatchInfo.Throw faults[0]
                return [||]
            | _ -> return raise (AggregateException(faults))
        }

    do
        Guard.notNull "tasks" tasks

        for t in tasks do
            if isNull t then
                raise (ArgumentNullException("tasks", "The sequence holds a null task."))

            this.Add t

        outerRegistration <- cancellationToken.Register(fun () -> cancelSiblings ())

    new(tasks: seq<Task<'T>>) = Waiting<'T>(tasks, CancellationToken.None)

    new() = Waiting<'T>(Seq.empty, CancellationToken.None)

    member _.Token = cancellation.Token

    member _.Count = lock gate (fun () -> registered.Count)

    member _.Add(task: Task<'T>) =
        Guard.notNull "task" task
        let entry = WaitingEntry task

        entry.Watcher <-
            task.ContinueWith(
                Action<Task<'T>>(classify entry),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default
            )

        lock gate (fun () ->
            if closed then
                raise (ObjectDisposedException(nameof Waiting, "The waiting scope has already been left."))

            registered.Add entry)

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.Start(work: CancellationToken -> Task<'T>) : Task<'T> =
        Guard.notNull "work" work

        let started =
            Start.guarded (fun () -> ArgumentNullException("work", "The work returned a null task.")) (fun () ->
                work cancellation.Token)

        this.Add started
        started

    /// Records an exception of the block that uses the scope, as run does.
    member internal _.BlockFailed(e: exn) =
        let isOurCancellation = (e :? OperationCanceledException) && stopping ()

        if not isOurCancellation then
            blockFailure <- e
            cancelSiblings ()

    member _.WaitAsync() : Task<'T array> =
        lock gate (fun () ->
            if isNull left then
                left <- leave ()

            left)

    member this.DisposeAsync() = ValueTask(this.WaitAsync() :> Task)

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Waiting =

    let private scoped (tasks: seq<Task<'T>>) (cancellationToken: CancellationToken) (body: Waiting<'T> -> Task<unit>) =
        Guard.notNull "body" body
        let scope = new Waiting<'T>(tasks, cancellationToken)

        task {
            try
                match body scope with
                | null -> ()
                | running -> do! running.ConfigureAwait(false)
            with e ->
                scope.BlockFailed e

            return! scope.WaitAsync().ConfigureAwait(false)
        }

    let runWith (tasks: seq<Task<'T>>) (body: Waiting<'T> -> Task<unit>) : Task<'T array> =
        scoped tasks CancellationToken.None body

    let runCancellable (cancellationToken: CancellationToken) (body: Waiting<'T> -> Task<unit>) : Task<'T array> =
        scoped Seq.empty cancellationToken body

    let run body = runWith Seq.empty body

    let all (tasks: seq<Task<'T>>) = (new Waiting<'T>(tasks)).WaitAsync()
