namespace Futured.Internal

open System
open System.Buffers.Binary
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Reflection
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

/// A worker process seen from the parent: one call at a time over its standard input and output.
[<Sealed; AllowNullLiteral>]
type internal WorkerProcess private (proc: Process) =
    let input = proc.StandardInput.BaseStream
    let output = proc.StandardOutput.BaseStream
    let tail = Queue<string>()
    let defined = HashSet<int>()
    let header = Array.zeroCreate<byte> Protocol.HeaderSize
    let mutable buffer = Array.zeroCreate<byte> 4096
    let mutable killed = 0

    static let tailLines = 20

    // Standard error is drained all the time (a full pipe would block the worker): each line is passed on
    // to this process's standard error, and the last lines are kept for WorkerCrashedException.
    let errors =
        task {
            try
                let reader = proc.StandardError
                let mutable go = true

                while go do
                    let! line = reader.ReadLineAsync()

                    if isNull line then
                        go <- false
                    else
                        do! Console.Error.WriteLineAsync line

                        lock tail (fun () ->
                            tail.Enqueue line

                            if tail.Count > tailLines then
                                tail.Dequeue() |> ignore)
            with _ ->
                ()
        }
        :> Task

    /// Starts a worker process in the given mode ("pool" or "once").
    static member Start(mode: string) =
        let proc = Process.Start(Launch.startInfo mode)
        new WorkerProcess(proc)

    member _.Id = proc.Id

    member _.HasExited = proc.HasExited

    /// True once Kill was called.
    member _.IsKilled = Volatile.Read &killed = 1

    /// Kills the worker (and anything it started); safe to call more than once.
    member _.Kill() =
        if Interlocked.Exchange(&killed, 1) = 0 then
            try
                proc.Kill true
            with _ ->
                ()

    /// Sends one call (and the function's description first, if this worker has not seen it) and
    /// reads the reply. The payload stays valid until the next call. Raises EndOfStreamException
    /// or IOException when the worker dies.
    member this.Call(target: Target, frame: byte[], cancellationToken: CancellationToken) : Task<Reply> =
        task {
            use _ =
                if cancellationToken.CanBeCanceled then
                    cancellationToken.Register(fun () -> this.Kill())
                else
                    Unchecked.defaultof<_>

            if defined.Add target.Id then
                do! input.WriteAsync(target.DefineFrame, 0, target.DefineFrame.Length)

            do! input.WriteAsync(frame, 0, frame.Length)
            do! input.FlushAsync()
            do! output.ReadExactlyAsync(Memory header)
            let length = BinaryPrimitives.ReadInt32LittleEndian(ReadOnlySpan(header, 0, 4)) - 5

            if buffer.Length < length then
                buffer <- Array.zeroCreate (max length (buffer.Length * 2))

            do! output.ReadExactlyAsync(Memory(buffer, 0, length))

            return
                {
                    Kind = header[4]
                    Payload = ArraySegment(buffer, 0, length)
                }
        }

    /// The last lines of standard error, once the process has exited (or after a bounded wait).
    member _.StandardErrorTail() : Task<string> =
        task {
            try
                do! errors.WaitAsync(TimeSpan.FromSeconds 5.0)
            with _ ->
                ()

            return lock tail (fun () -> String.Join(Environment.NewLine, tail))
        }

    /// Waits for the process to exit (killing it if it has not within the grace period) and returns its exit code.
    member this.WaitForExit(grace: TimeSpan) : Task<int> =
        task {
            try
                do! proc.WaitForExitAsync().WaitAsync(grace)
            with _ ->
                this.Kill()
                do! proc.WaitForExitAsync()

            return proc.ExitCode
        }

    /// The exception for a worker that died during a call.
    member this.Crashed() : Task<WorkerCrashedException> =
        task {
            let! code = this.WaitForExit(TimeSpan.FromSeconds 10.0)
            let! stderr = this.StandardErrorTail()
            return WorkerCrashedException(code, stderr)
        }

    /// Closes standard input (the worker then exits), waits up to the grace period, then kills it.
    member this.Close(grace: TimeSpan) : Task =
        task {
            try
                input.Dispose()
            with _ ->
                ()

            let! _ = this.WaitForExit grace
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
