namespace Futured.Internal

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open Futured

/// A worker process seen from the parent: one call at a time over its channel (the worker's standard
/// input and output pipes, which the worker moves to private descriptors before any user code runs).
[<Sealed; AllowNullLiteral>]
type internal WorkerProcess private (proc: Process) =
    // The worker makes itself the leader of a process group whose id is its pid before any user code runs
    // (Linux); the group is killed through the leader's pidfd, so that a pid reused after the worker was
    // reaped is never hit.
    let leader =
        if OperatingSystem.IsLinux() then
            GroupLeader.Track proc
        else
            null

    let input = proc.StandardInput.BaseStream
    let output = proc.StandardOutput.BaseStream

    let outputDescriptor =
        match output with
        | :? Pipes.PipeStream as pipe -> int (pipe.SafePipeHandle.DangerousGetHandle())
        | _ -> -1

    let tail = Queue<string>()
    let defined = HashSet<int>()
    let header = Array.zeroCreate<byte> Protocol.HeaderSize
    let mutable buffer = Array.zeroCreate<byte> 4096
    let mutable killed = 0
    let mutable calls = 0
    let mutable linesRead = 0

    static let tailLines = 20

    // The exit of the process, however it happens; it cancels exitSignal, which stops any pending read or
    // write on the channel (a grandchild may still hold the pipes, so their end is no sign of the exit).
    let exited = proc.WaitForExitAsync()
    let exitSignal = new CancellationTokenSource()

    do
        exited.ContinueWith(
            (fun (_: Task) ->
                try
                    exitSignal.Cancel()
                with _ ->
                    ()),
            TaskContinuationOptions.ExecuteSynchronously
        )
        |> ignore

    // Standard error is drained all the time (a full pipe would block the worker): each line is passed on
    // to this process's standard error, and the last lines are kept for WorkerCrashedException.
    let errors =
        task {
            try
                let reader = proc.StandardError
                let mutable go = true

                while go do
                    let! line = reader.ReadLineAsync().ConfigureAwait(false)

                    if isNull line then
                        go <- false
                    else
                        do! Console.Error.WriteLineAsync(line).ConfigureAwait(false)

                        lock tail (fun () ->
                            linesRead <- linesRead + 1
                            tail.Enqueue line

                            if tail.Count > tailLines then
                                tail.Dequeue() |> ignore)
            with _ ->
                ()
        }
        :> Task

    /// Reads some bytes of the channel. Once the worker has exited, only what it wrote before is left in
    /// the pipe: a read then returns 0 (the end) when nothing is there, even if a grandchild holds the pipe.
    let rec readSome (memory: Memory<byte>) : Task<int> =
        task {
            if exitSignal.IsCancellationRequested then
                if outputDescriptor < 0 || ChannelPoll.readable outputDescriptor then
                    return! output.ReadAsync(memory).ConfigureAwait(false)
                else
                    return 0
            else
                let mutable read = -1

                try
                    let! n = output.ReadAsync(memory, exitSignal.Token).ConfigureAwait(false)
                    read <- n
                with :? OperationCanceledException when exitSignal.IsCancellationRequested ->
                    ()

                if read >= 0 then
                    return read
                else
                    return! readSome(memory).ConfigureAwait(false)
        }

    let readExactly (memory: Memory<byte>) : Task =
        task {
            let mutable got = 0

            while got < memory.Length do
                let! n = readSome(memory.Slice got).ConfigureAwait(false)

                if n = 0 then
                    raise (EndOfStreamException "The worker process ended its channel before it replied.")

                got <- got + n
        }

    let write (frame: byte[]) : Task =
        task {
            try
                do! input.WriteAsync(ReadOnlyMemory frame, exitSignal.Token).ConfigureAwait(false)
            with :? OperationCanceledException when exitSignal.IsCancellationRequested ->
                raise (EndOfStreamException "The worker process exited before it read the call.")
        }

    /// Starts a worker process in the given mode ("pool" or "once").
    static member Start(mode: string) =
        let proc = Process.Start(Launch.startInfo mode)
        new WorkerProcess(proc)

    member _.Id = proc.Id

    member _.HasExited = proc.HasExited

    /// True once Kill was called.
    member _.IsKilled = Volatile.Read &killed = 1

    /// Kills the worker and its process group (and anything else it started); safe to call more than once.
    member _.Kill() =
        if Interlocked.Exchange(&killed, 1) = 0 then
            try
                if not (isNull leader) then
                    leader.KillTree()

                proc.Kill true
            with _ ->
                ()

    /// Sends one call (and the function's description first, if this worker has not seen it) and
    /// reads the reply, checking that it is the reply to this call. The payload stays valid until the
    /// next call. Raises EndOfStreamException or IOException when the worker dies (noticed through its
    /// exit, not only through the end of the pipe), CorruptFrameException when it sends anything else.
    member this.Call(target: Target, frame: byte[], cancellationToken: CancellationToken) : Task<Reply> =
        task {
            let registration =
                if cancellationToken.CanBeCanceled then
                    cancellationToken.Register(fun () -> this.Kill())
                else
                    Unchecked.defaultof<CancellationTokenRegistration>

            try
                calls <- calls + 1
                let call = calls
                Protocol.setCall frame call

                if defined.Add target.Id then
                    do! write(target.DefineFrame).ConfigureAwait(false)

                do! write(frame).ConfigureAwait(false)
                do! input.FlushAsync().ConfigureAwait(false)
                do! readExactly(Memory header).ConfigureAwait(false)

                match Protocol.replyProblem (ReadOnlySpan header) target.Id call with
                | ValueSome why -> return raise (CorruptFrameException why)
                | ValueNone ->
                    let length = (Protocol.payloadLength (ReadOnlySpan header)).Value

                    if buffer.Length < length then
                        buffer <- Array.zeroCreate (max length (min Protocol.MaxFrameLength (buffer.Length * 2)))

                    do! readExactly(Memory(buffer, 0, length)).ConfigureAwait(false)

                    return
                        {
                            Kind = header[4]
                            Payload = ArraySegment(buffer, 0, length)
                        }
            finally
                registration.Dispose()
        }

    /// The last lines of standard error, once the process has exited: waits for the pipe to end, or, when
    /// something else still holds it open, until no new line has come for a moment (5 s at most).
    member _.StandardErrorTail() : Task<string> =
        task {
            let clock = Stopwatch.StartNew()
            let mutable go = not errors.IsCompleted

            while go do
                let before = lock tail (fun () -> linesRead)

                try
                    do! errors.WaitAsync(TimeSpan.FromMilliseconds 250.0).ConfigureAwait(false)
                with _ ->
                    ()

                let after = lock tail (fun () -> linesRead)

                go <-
                    not errors.IsCompleted
                    && after <> before
                    && clock.Elapsed < TimeSpan.FromSeconds 5.0

            return lock tail (fun () -> String.Join(Environment.NewLine, tail))
        }

    /// Waits for the process to exit (killing it if it has not within the grace period) and returns its exit code.
    member this.WaitForExit(grace: TimeSpan) : Task<int> =
        task {
            try
                do! exited.WaitAsync(grace).ConfigureAwait(false)
            with _ ->
                this.Kill()
                do! exited.ConfigureAwait(false)

            return proc.ExitCode
        }

    /// The exception for a worker that died during a call: waits for the exit, ends what the worker left
    /// running in its process group, and reads the end of its standard error.
    member this.Crashed() : Task<WorkerCrashedException> =
        task {
            let! code = this.WaitForExit(TimeSpan.FromSeconds 10.0).ConfigureAwait(false)

            if not (isNull leader) then
                leader.KillGroup()

            let! stderr = this.StandardErrorTail().ConfigureAwait(false)
            return WorkerCrashedException(code, stderr)
        }

    /// The exception for a worker that sent a corrupt frame: kills it and its process group first.
    member this.Corrupted(why: string) : Task<WorkerCrashedException> =
        task {
            this.Kill()
            let! code = this.WaitForExit(TimeSpan.FromSeconds 10.0).ConfigureAwait(false)
            let! stderr = this.StandardErrorTail().ConfigureAwait(false)

            return
                WorkerCrashedException(
                    $"The worker process sent {why}, not the reply to the call, so it was killed and is replaced.",
                    code,
                    stderr
                )
        }

    /// Closes standard input (the worker then exits), waits up to the grace period, then kills it.
    member this.Close(grace: TimeSpan) : Task =
        task {
            try
                input.Dispose()
            with _ ->
                ()

            let! _ = this.WaitForExit(grace).ConfigureAwait(false)
            this.Dispose()
        }

    member _.Dispose() =
        try
            input.Dispose()
        with _ ->
            ()

        if not (isNull leader) then
            leader.Dispose()

        proc.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()
