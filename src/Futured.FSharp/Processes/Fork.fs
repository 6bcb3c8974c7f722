namespace Futured.Internal

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Futured

/// The engine of forked: one child process per value, at most maxWorkers at once.
module internal Fork =

    let private describe (value: 'a) =
        let text = sprintf "%A" value

        if text.Length > 200 then
            text.Substring(0, 200) + "..."
        else
            text

    /// Runs one value in its own child; returns null on success or when the token killed the child (once it
    /// has exited), otherwise the ForkedException.
    let private child (target: Target) (index: int) (value: 'a) (cancellationToken: CancellationToken) : Task<exn> =
        task {
            try
                match Replies.frame<'a, unit> target value with
                | Error e -> return ForkedException(index, describe value, -1, e) :> exn
                | Ok frame ->
                    use w = WorkerProcess.Start "once"
                    let mutable remote: exn = null
                    let mutable crashed = false
                    let mutable corrupt: CorruptFrameException = null

                    try
                        let! reply = w.Call(target, frame, cancellationToken).ConfigureAwait(false)

                        if reply.Kind <> Protocol.Result then
                            remote <- Replies.remote reply.Payload
                    with e ->
                        crashed <- true

                        match e with
                        | :? CorruptFrameException as c -> corrupt <- c
                        | _ -> ()

                    if crashed && w.IsKilled && cancellationToken.IsCancellationRequested then
                        // The token killed the child and its process group: wait until it is gone.
                        let! _ = w.WaitForExit(TimeSpan.FromSeconds 10.0).ConfigureAwait(false)
                        return null
                    elif crashed then
                        let! crash =
                            if isNull corrupt then
                                w.Crashed().ConfigureAwait(false)
                            else
                                w.Corrupted(corrupt.Why).ConfigureAwait(false)

                        // A child that ends itself with exit code 0 before replying has succeeded.
                        if crash.ExitCode = 0 then
                            return null
                        else
                            return ForkedException(index, describe value, crash.ExitCode, crash) :> exn
                    else
                        let! code = w.WaitForExit(TimeSpan.FromSeconds 30.0).ConfigureAwait(false)

                        if isNull remote && code = 0 then
                            return null
                        elif isNull remote then
                            let! stderr = w.StandardErrorTail().ConfigureAwait(false)

                            return
                                ForkedException(index, describe value, code, WorkerCrashedException(code, stderr))
                                :> exn
                        else
                            return ForkedException(index, describe value, code, remote) :> exn
            with e ->
                return ForkedException(index, describe value, -1, e) :> exn
        }

    /// Starts a child per value, lazily, at most maxWorkers at once; after the first failure, or once the
    /// token is cancelled (which kills the running children), no child starts; completes when every child
    /// has exited, faulted with the first failure, otherwise cancelled when the token was.
    let run (maxWorkers: int) (target: Target) (values: seq<'a>) (cancellationToken: CancellationToken) : Task =
        task {
            let running = HashSet<Task<exn>>()
            let mutable failure: exn = null
            let mutable index = 0
            let mutable go = true
            use items = values.GetEnumerator()

            let awaitOne () =
                task {
                    let! finished = Task.WhenAny(running).ConfigureAwait(false)
                    running.Remove finished |> ignore
                    let! outcome = finished.ConfigureAwait(false)

                    if isNull failure && not (isNull outcome) then
                        failure <- outcome
                }

            // Takes in every child that has already finished, so that a failure stops new children at once.
            let harvest () =
                task {
                    for finished in Array.ofSeq running do
                        if finished.IsCompleted then
                            running.Remove finished |> ignore
                            let! outcome = finished.ConfigureAwait(false)

                            if isNull failure && not (isNull outcome) then
                                failure <- outcome
                }

            while go do
                if running.Count >= maxWorkers then
                    do! awaitOne().ConfigureAwait(false)
                else
                    do! harvest().ConfigureAwait(false)

                if not (isNull failure) || cancellationToken.IsCancellationRequested then
                    go <- false
                else
                    let next =
                        try
                            items.MoveNext()
                        with e ->
                            failure <- e
                            false

                    if next then
                        running.Add(child target index items.Current cancellationToken) |> ignore
                        index <- index + 1
                    else
                        go <- false

            while running.Count > 0 do
                do! awaitOne().ConfigureAwait(false)

            if not (isNull failure) then
                raise failure

            if cancellationToken.IsCancellationRequested then
                raise (
                    OperationCanceledException(
                        "forked was cancelled: its running children were killed and no further value was started.",
                        cancellationToken
                    )
                )
        }
