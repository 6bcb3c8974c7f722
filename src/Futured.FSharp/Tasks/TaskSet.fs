namespace Futured

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open Futured.Internal

/// One enumeration of a task set: claims a task per move, reads completions from the set's queue. Its deadline
/// and cancellation follow the stream engine's rule (StopSignal): the clock starts at the first MoveNextAsync.
[<Sealed>]
type internal TaskSetPass<'T>
    (
        claim: unit -> bool,
        unclaim: unit -> unit,
        pending: unit -> int,
        reader: ChannelReader<Task<'T>>,
        timeout: TimeSpan voption,
        clock: TimeProvider,
        token: CancellationToken
    ) =
    let stop =
        if StopSignal.CanStop(timeout, CancellationToken.None, token) then
            new StopSignal(timeout, clock, CancellationToken.None, token)
        else
            null

    let mutable current = Unchecked.defaultof<Task<'T>>
    let mutable stopped = false

    let stopWith (e: exn) : 'x =
        stopped <- true

        if not (isNull stop) then
            stop.Stop()

        raise e

    let slow () : Task<bool> =
        task {
            try
                let! next = reader.ReadAsync(stop.Token).ConfigureAwait(false)
                current <- next
                return true
            with :? OperationCanceledException ->
                let mutable next = null

                // Past the deadline, a task that completed in the meantime is still yielded first.
                if not stop.Cancelled && reader.TryRead(&next) then
                    current <- next
                    return true
                else
                    // The claimed task stays in the set.
                    unclaim ()
                    return stopWith (stop.Error(pending ()))
        }

    member _.Current = current

    member _.MoveNextAsync() : ValueTask<bool> =
        if stopped then
            ValueTask<bool> false
        else
            StopSignal.ArmIfAny stop

            if not (isNull stop) && stop.Cancelled then
                stopped <- true
                ValueTask<bool>(Task.FromException<bool>(stop.Error(pending ())))
            elif not (claim ()) then
                ValueTask<bool> false
            else
                let mutable next = null

                if reader.TryRead(&next) then
                    current <- next
                    ValueTask<bool> true
                elif isNull stop then
                    // Nothing can stop the wait: no token to register.
                    ValueTask<bool>(
                        task {
                            let! next = reader.ReadAsync().ConfigureAwait(false)
                            current <- next
                            return true
                        }
                    )
                else
                    ValueTask<bool>(slow ())

    member _.DisposeAsync() =
        stopped <- true

        if not (isNull stop) then
            stop.Dispose()

        ValueTask()

    interface IAsyncEnumerator<Task<'T>> with
        member this.Current = this.Current
        member this.MoveNextAsync() = this.MoveNextAsync()
        member this.DisposeAsync() = this.DisposeAsync()

[<Sealed>]
type TaskSet<'T>(tasks: seq<Task<'T>>, timeout: TimeSpan voption, clock: TimeProvider) as this =
    let gate = obj ()

    let completed =
        Channel.CreateUnbounded<Task<'T>>(UnboundedChannelOptions(SingleReader = false, SingleWriter = false))

    let drained =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    // Tasks in the set not yet claimed by a pop or an enumeration.
    let mutable count = 0
    // Tasks added and not yet completed, plus one held by the set until DisposeAsync: whoever brings it to zero
    // (the last completion or DisposeAsync) completes drained, so neither side can miss the other.
    let mutable running = 1
    let mutable disposed = false

    let release () =
        if Interlocked.Decrement &running = 0 then
            drained.TrySetResult() |> ignore

    let onCompleted (work: Task<'T>) =
        // Observed here: a fault the caller never takes back must not go unobserved.
        if work.IsFaulted then
            work.Exception |> ignore

        completed.Writer.TryWrite work |> ignore
        release ()

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

    // How many tasks an enumeration that stops now leaves in the set.
    let pending () = Volatile.Read &count

    do
        Guard.notNull "tasks" tasks
        Guard.notNull "clock" clock

        match timeout with
        | ValueSome t -> Guard.timeout "timeout" t
        | ValueNone -> ()

        for t in tasks do
            if isNull t then
                raise (ArgumentNullException("tasks", "The sequence holds a null task."))

            this.Add t

    new() = TaskSet<'T>(Seq.empty, ValueNone, TimeProvider.System)
    new(tasks: seq<Task<'T>>) = TaskSet<'T>(tasks, ValueNone, TimeProvider.System)
    new(tasks: seq<Task<'T>>, timeout: TimeSpan) = TaskSet<'T>(tasks, ValueSome timeout, TimeProvider.System)

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
                    return! read.ConfigureAwait(false)
                finally
                    if not read.IsCompletedSuccessfully then
                        unclaim ()
            }

    member this.Pop() = this.Pop CancellationToken.None

    member _.DisposeAsync() : ValueTask =
        let first =
            lock gate (fun () ->
                if disposed then
                    false
                else
                    disposed <- true
                    true)

        // Gives up the set's own hold on running, outside the lock: no Add can count a task after this.
        if first then
            release ()

        ValueTask drained.Task

    interface IAsyncEnumerable<Task<'T>> with
        member _.GetAsyncEnumerator(cancellationToken) =
            new TaskSetPass<'T>(claim, unclaim, pending, completed.Reader, timeout, clock, cancellationToken)

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TaskSet =

    let ofSeq (tasks: seq<Task<'T>>) = new TaskSet<'T>(tasks)

    let within (timeout: TimeSpan) (tasks: seq<Task<'T>>) = new TaskSet<'T>(tasks, timeout)
