namespace Futured

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Futured.Internal

/// One enumeration of a task set: claims a task per move, reads completions from the set's queue.
[<Sealed>]
type internal TaskSetPass<'T>
    (
        claim: unit -> bool,
        unclaim: unit -> unit,
        reader: ChannelReader<Task<'T>>,
        timeout: TimeSpan voption,
        token: CancellationToken
    ) =
    let deadline =
        match timeout with
        | ValueSome t when t <> Timeout.InfiniteTimeSpan -> new CancellationTokenSource(t)
        | _ -> null

    let linked =
        if isNull deadline then
            null
        elif token.CanBeCanceled then
            CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, token)
        else
            null

    let waitToken =
        if not (isNull linked) then linked.Token
        elif not (isNull deadline) then deadline.Token
        else token

    let mutable current = Unchecked.defaultof<Task<'T>>
    let mutable stopped = false

    let stop (e: exn) : 'x =
        stopped <- true
        raise e

    let slow () : Task<bool> =
        task {
            let read = reader.ReadAsync(waitToken).AsTask()

            try
                let! next = read
                current <- next
                return true
            with :? OperationCanceledException ->
                unclaim ()

                if token.IsCancellationRequested then
                    return stop (OperationCanceledException("The enumeration was cancelled.", token))
                else
                    return stop (TimeoutException $"The deadline of {timeout.Value} passed with tasks still running.")
        }

    member _.Current = current

    member _.MoveNextAsync() : ValueTask<bool> =
        if stopped then
            ValueTask<bool> false
        elif token.IsCancellationRequested then
            stopped <- true

            ValueTask<bool>(
                Task.FromException<bool>(OperationCanceledException("The enumeration was cancelled.", token))
            )
        elif not (claim ()) then
            ValueTask<bool> false
        else
            let mutable next = null

            if reader.TryRead(&next) then
                current <- next
                ValueTask<bool> true
            else
                ValueTask<bool>(slow ())

    member _.DisposeAsync() =
        stopped <- true

        if not (isNull linked) then
            linked.Dispose()

        if not (isNull deadline) then
            deadline.Dispose()

        ValueTask()

    interface IAsyncEnumerator<Task<'T>> with
        member this.Current = this.Current
        member this.MoveNextAsync() = this.MoveNextAsync()
        member this.DisposeAsync() = this.DisposeAsync()

[<Sealed>]
type TaskSet<'T>(tasks: seq<Task<'T>>, timeout: TimeSpan voption) as this =
    let gate = obj ()

    let completed =
        Channel.CreateUnbounded<Task<'T>>(UnboundedChannelOptions(SingleReader = false, SingleWriter = false))

    let drained =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    // Tasks in the set not yet claimed by a pop or an enumeration.
    let mutable count = 0
    // Tasks added and not yet completed.
    let mutable running = 0
    let mutable disposed = false

    let onCompleted (work: Task<'T>) =
        // Observed here: a fault the caller never takes back must not go unobserved.
        if work.IsFaulted then
            work.Exception |> ignore

        completed.Writer.TryWrite work |> ignore

        if Interlocked.Decrement &running = 0 && Volatile.Read &disposed then
            drained.TrySetResult() |> ignore

    let claim () =
        let mutable claimed = false
        let mutable empty = false

        while not claimed && not empty do
            let seen = Volatile.Read &count

            if seen = 0 then
                empty <- true
            elif Interlocked.CompareExchange(&count, seen - 1, seen) = seen then
                claimed <- true

        claimed

    let unclaim () = Interlocked.Increment &count |> ignore

    do
        Guard.notNull "tasks" tasks

        match timeout with
        | ValueSome t -> Guard.timeout "timeout" t
        | ValueNone -> ()

        for t in tasks do
            if isNull t then
                raise (ArgumentNullException("tasks", "The sequence holds a null task."))

            this.Add t

    new() = TaskSet<'T>(Seq.empty, ValueNone)
    new(tasks: seq<Task<'T>>) = TaskSet<'T>(tasks, ValueNone)
    new(tasks: seq<Task<'T>>, timeout: TimeSpan) = TaskSet<'T>(tasks, ValueSome timeout)

    member _.Add(task: Task<'T>) =
        Guard.notNull "task" task

        lock gate (fun () ->
            if disposed then
                raise (ObjectDisposedException(nameof TaskSet, "The task set has been disposed."))

            Interlocked.Increment &running |> ignore
            Interlocked.Increment &count |> ignore)

        if task.IsCompleted then
            onCompleted task
        else
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(fun () -> onCompleted task)

    member _.Count = Volatile.Read &count

    member _.Pop(cancellationToken: CancellationToken) : Task<Task<'T>> =
        if not (claim ()) then
            raise (InvalidOperationException "The task set is empty.")

        let mutable next = null

        if completed.Reader.TryRead(&next) then
            Task.FromResult next
        else
            let read = completed.Reader.ReadAsync(cancellationToken).AsTask()

            task {
                try
                    return! read
                finally
                    if not read.IsCompletedSuccessfully then
                        unclaim ()
            }

    member this.Pop() = this.Pop CancellationToken.None

    member _.DisposeAsync() : ValueTask =
        lock gate (fun () ->
            if not disposed then
                Volatile.Write(&disposed, true)

                if Volatile.Read &running = 0 then
                    drained.TrySetResult() |> ignore)

        ValueTask drained.Task

    interface IAsyncEnumerable<Task<'T>> with
        member _.GetAsyncEnumerator(cancellationToken) =
            new TaskSetPass<'T>(claim, unclaim, completed.Reader, timeout, cancellationToken)

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TaskSet =

    let ofSeq (tasks: seq<Task<'T>>) = new TaskSet<'T>(tasks)

    let within (timeout: TimeSpan) (tasks: seq<Task<'T>>) = new TaskSet<'T>(tasks, timeout)
