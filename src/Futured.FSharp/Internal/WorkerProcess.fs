namespace Futured.Internal

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Reflection
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Tasks
open Futured

/// How a worker process is started: the application is restarted with a startup hook (this
/// assembly) that runs the worker loop before the application's Main.
module internal Launch =

    /// The executable and arguments that restart the current application.
    let command =
        lazy
            (let processPath = Environment.ProcessPath
             let entry = Assembly.GetEntryAssembly()

             match AppContext.TryGetSwitch "System.StartupHookProvider.IsSupported" with
             | true, false ->
                 invalidOp
                     "Startup hooks are turned off for this application (System.StartupHookProvider.IsSupported is false, as in trimmed or native AOT builds), so it cannot be restarted as a worker process."
             | _ -> ()

             if isNull processPath then
                 invalidOp "The path of the current process is unknown, so a worker process cannot be started."

             if Callable.inSingleFile () then
                 invalidOp $"A worker process cannot be started from this application. {Callable.singleFileAdvice}"

             let isMuxer =
                 String.Equals(
                     Path.GetFileNameWithoutExtension processPath,
                     "dotnet",
                     StringComparison.OrdinalIgnoreCase
                 )

             if not isMuxer then
                 processPath, []
             elif isNull entry || String.IsNullOrEmpty entry.Location then
                 invalidOp "The application has no entry assembly on disk, so a worker process cannot be started."
             else
                 let existing (path: string) =
                     if not (String.IsNullOrEmpty path) && File.Exists path then
                         Some path
                     else
                         None

                 // The dependency file the host actually used (the first of APP_CONTEXT_DEPS_FILES, e.g. the
                 // test project's under a test host), else the one beside the entry assembly.
                 let deps =
                     match AppContext.GetData "APP_CONTEXT_DEPS_FILES" with
                     | :? string as files when files <> "" -> existing (files.Split(';')[0])
                     | _ -> None
                     |> Option.orElse (existing (Path.ChangeExtension(entry.Location, ".deps.json")))

                 let runtimeConfig =
                     deps
                     |> Option.bind (fun d ->
                         existing (d.Substring(0, d.Length - ".deps.json".Length) + ".runtimeconfig.json"))
                     |> Option.orElse (existing (Path.ChangeExtension(entry.Location, ".runtimeconfig.json")))

                 processPath,
                 [
                     "exec"
                     match deps with
                     | Some p -> yield! [ "--depsfile"; p ]
                     | None -> ()
                     match runtimeConfig with
                     | Some p -> yield! [ "--runtimeconfig"; p ]
                     | None -> ()
                     entry.Location
                 ])

    /// The start information of a worker in the given mode ("pool" or "once").
    let startInfo (mode: string) =
        let fileName, arguments = command.Value
        let psi = ProcessStartInfo(fileName)

        for a in arguments do
            psi.ArgumentList.Add a

        psi.UseShellExecute <- false
        psi.RedirectStandardInput <- true
        psi.RedirectStandardOutput <- true
        psi.RedirectStandardError <- true
        let hook = typeof<Target>.Assembly.Location
        let previous = Environment.GetEnvironmentVariable WorkerEnvironment.StartupHooks

        psi.Environment[WorkerEnvironment.StartupHooks] <-
            (if String.IsNullOrEmpty previous then
                 hook
             else
                 hook + string Path.PathSeparator + previous)

        psi.Environment[WorkerEnvironment.PreviousHooks] <- previous
        psi.Environment[WorkerEnvironment.Mode] <- mode
        psi.Environment[WorkerEnvironment.Parent] <- string Environment.ProcessId
        psi

/// What came back from one call.
[<Struct; NoComparison; NoEquality>]
type internal Reply =
    {
        Kind: byte
        Payload: ArraySegment<byte>
    }

/// The worker sent something that is not the reply to the call: the channel cannot be trusted any more.
[<AllowNullLiteral>]
type internal CorruptFrameException(why: string) =
    inherit IOException($"The worker process sent {why}.")

    member _.Why = why

/// The system calls the parent needs beyond System.Diagnostics.Process.
module internal Signals =

    [<Struct; StructLayout(LayoutKind.Sequential)>]
    type private PollFd =
        val mutable Fd: int
        val mutable Events: int16
        val mutable Revents: int16

    [<DllImport("libc", EntryPoint = "poll", SetLastError = true)>]
    extern int private poll(PollFd& fds, unativeint count, int timeout)

    [<DllImport("libc", EntryPoint = "kill", SetLastError = true)>]
    extern int private kill(int pid, int signal)

    /// Whether a read on the descriptor would return at once (data, end of file or an error).
    let readable (fd: int) =
        let mutable entry = PollFd()
        entry.Fd <- fd
        entry.Events <- 1s // POLLIN
        poll (&entry, 1un, 0) > 0 && entry.Revents <> 0s

    /// Sends SIGKILL to the process group led by the worker (the worker makes itself a group leader
    /// before any user code runs), which ends whatever it started and did not move elsewhere. Nothing
    /// happens when no such group exists.
    let killGroup (pid: int) =
        if OperatingSystem.IsLinux() then
            kill (-pid, 9) |> ignore

/// A worker process seen from the parent: one call at a time over its channel (the worker's standard
/// input and output pipes, which the worker moves to private descriptors before any user code runs).
[<Sealed; AllowNullLiteral>]
type internal WorkerProcess private (proc: Process) =
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
                if outputDescriptor < 0 || Signals.readable outputDescriptor then
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
                Signals.killGroup proc.Id
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
            Signals.killGroup proc.Id
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

        proc.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()
