namespace Futured

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Tasks
open Futured.Internal

[<Sealed>]
type Processed(maxWorkers: int, [<Optional; DefaultParameterValue(false)>] prestart: bool) =
    do Guard.positive "maxWorkers" maxWorkers
    let limiter = Limiter(maxWorkers, nameof Processed)
    let sync = obj ()
    let idle = Stack<WorkerProcess>()
    let live = HashSet<WorkerProcess>()
    let grace = TimeSpan.FromSeconds 5.0

    let acquire () =
        let rec take () =
            let w = lock sync (fun () -> if idle.Count > 0 then idle.Pop() else null)

            if isNull w then
                let w = WorkerProcess.Start "pool"
                lock sync (fun () -> live.Add w |> ignore)
                w
            elif w.HasExited then
                // Died while idle (killed from outside): replace it without failing a call.
                lock sync (fun () -> live.Remove w |> ignore)
                w.Dispose()
                take ()
            else
                w

        take ()

    // Every worker starts now: the processes are started one after another (Process.Start returns once each has
    // exec'd), and their runtimes start, and warm up, side by side while the caller goes on.
    do
        if prestart then
            let started = ResizeArray<WorkerProcess>()

            try
                for _ in 1..maxWorkers do
                    started.Add(WorkerProcess.Start "pool")
            with _ ->
                for w in started do
                    w.Kill()
                    w.Dispose()

                reraise ()

            lock sync (fun () ->
                for w in started do
                    live.Add w |> ignore
                    idle.Push w)

    let release (w: WorkerProcess) = lock sync (fun () -> idle.Push w)

    let discard (w: WorkerProcess) =
        lock sync (fun () -> live.Remove w |> ignore)

    let run (target: Target) (frame: byte[]) (cancellationToken: CancellationToken) : Task<'b> =
        task {
            let w = acquire ()
            let mutable reply = Unchecked.defaultof<Reply>
            let mutable failure: exn = null

            try
                let! r = w.Call(target, frame, cancellationToken).ConfigureAwait(false)
                reply <- r
            with e ->
                failure <- e

            if isNull failure then
                let result = Replies.decode<'b> reply

                // A cancellation that came too late to stop the call may still have killed the worker.
                if w.IsKilled then
                    discard w
                    Observe.task (w.Close grace)
                else
                    release w

                match result with
                | Ok value -> return value
                | Error e -> return raise e
            else
                discard w

                if cancellationToken.IsCancellationRequested then
                    w.Kill()
                    Observe.task (w.Close grace)

                    return
                        raise (
                            OperationCanceledException(
                                "The call was cancelled; its worker was killed.",
                                cancellationToken
                            )
                        )
                else
                    let! crash =
                        match failure with
                        | :? CorruptFrameException as corrupt -> w.Corrupted(corrupt.Why).ConfigureAwait(false)
                        | _ -> w.Crashed().ConfigureAwait(false)

                    w.Dispose()
                    return raise crash
        }

    let closing =
        lazy
            (task {
                do! limiter.Close().ConfigureAwait(false)

                let workers =
                    lock sync (fun () ->
                        let all = Array.ofSeq live
                        live.Clear()
                        idle.Clear()
                        all)

                do! Task.WhenAll(workers |> Array.map (fun w -> w.Close grace)).ConfigureAwait(false)
            }
            :> Task)

    member internal _.Call<'a, 'b>(target: Target, argument: 'a, cancellationToken: CancellationToken) : Task<'b> =
        match Replies.frame<'a, 'b> target argument with
        | Error e -> Task.FromException<'b> e
        | Ok frame -> limiter.Run((fun () -> run target frame cancellationToken), cancellationToken)

    new(maxWorkers: int) = new Processed(maxWorkers, false)

    member _.MaxWorkers = maxWorkers

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.Wrap(f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        let target = Callable.ofFunction "f" f
        fun x -> this.Call<'a, 'b>(target, x, CancellationToken.None)

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.WrapCancellable(f: 'a -> 'b) : 'a -> CancellationToken -> Task<'b> =
        Guard.notNull "f" f
        let target = Callable.ofFunction "f" f
        fun x cancellationToken -> this.Call<'a, 'b>(target, x, cancellationToken)

    member this.WrapFunc(f: Func<'a, 'b>) : Func<'a, Task<'b>> =
        Guard.notNull "f" f
        let target = Callable.ofDelegate "f" f
        Func<'a, Task<'b>>(fun x -> this.Call<'a, 'b>(target, x, CancellationToken.None))

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.Submit(f: 'a -> 'b, argument: 'a, ?cancellationToken: CancellationToken) : Task<'b> =
        Guard.notNull "f" f
        let target = Callable.ofFunction "f" f
        this.Call<'a, 'b>(target, argument, defaultArg cancellationToken CancellationToken.None)

    member _.DisposeAsync() = ValueTask(closing.Value)

    static member Fork
        (values: seq<'a>, body: Action<'a>, maxWorkers: int, cancellationToken: CancellationToken)
        : Task =
        Guard.notNull "values" values
        Guard.notNull "body" body
        Guard.positive "maxWorkers" maxWorkers
        let target = Callable.ofDelegate "body" body
        Fork.run maxWorkers target values cancellationToken

    member internal _.WorkerIds =
        lock sync (fun () -> live |> Seq.map (fun w -> w.Id) |> Array.ofSeq)

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

    interface IDisposable with
        member _.Dispose() = closing.Value.GetAwaiter().GetResult()
