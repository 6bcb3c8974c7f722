namespace Futured.Internal

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.IO
open System.Text
open System.Threading
open Microsoft.Win32.SafeHandles

/// The environment a worker process is started with.
module internal WorkerEnvironment =

    /// Set to "pool" (serve calls until standard input ends) or "once" (serve one call, then exit).
    [<Literal>]
    let Mode = "FUTURED_WORKER"

    /// The value DOTNET_STARTUP_HOOKS had in the parent, restored in the worker before user code runs.
    [<Literal>]
    let PreviousHooks = "FUTURED_WORKER_PREVIOUS_STARTUP_HOOKS"

    [<Literal>]
    let StartupHooks = "DOTNET_STARTUP_HOOKS"

    /// The parent's process id: the worker exits when that process does.
    [<Literal>]
    let Parent = "FUTURED_WORKER_PARENT"

/// The worker's private channel: before any user code runs, the protocol moves off the standard
/// descriptors, which user code may then use as it likes (Linux; elsewhere the channel stays on them).
module internal Descriptors =

    [<DllImport("libc", EntryPoint = "fcntl", SetLastError = true)>]
    extern int private fcntl(int fd, int command, int argument)

    [<DllImport("libc", EntryPoint = "dup2", SetLastError = true)>]
    extern int private dup2(int fd, int target)

    [<DllImport("libc", EntryPoint = "open", SetLastError = true)>]
    extern int private openFile(string path, int flags)

    [<DllImport("libc", EntryPoint = "close", SetLastError = true)>]
    extern int private close(int fd)

    [<DllImport("libc", EntryPoint = "setpgid", SetLastError = true)>]
    extern int private setpgid(int pid, int pgid)

    /// fcntl's F_DUPFD_CLOEXEC on Linux: a duplicate at the lowest free descriptor >= the argument, closed
    /// on exec so that no child process inherits it.
    [<Literal>]
    let private F_DUPFD_CLOEXEC = 1030

    /// O_RDONLY | O_CLOEXEC on Linux.
    [<Literal>]
    let private O_RDONLY_CLOEXEC = 0x80000

    /// The descriptor the worker writes replies to, once it has moved off standard output (-1 before).
    let mutable replyDescriptor = -1

    let private check (what: string) (result: int) =
        if result < 0 then
            let errno = Marshal.GetLastPInvokeError()
            eprintfn "The worker process could not set up its channel: %s failed (errno %d)." what errno
            exit 70

        result

    let private stream (fd: int) (access: FileAccess) : Stream =
        new FileStream(new SafeFileHandle(nativeint fd, true), access, 1)

    /// Moves the channel to private close-on-exec descriptors, gives descriptor 0 /dev/null and makes
    /// descriptor 1 a copy of descriptor 2 (the parent's pipe for standard error), then makes Console
    /// build its streams from the new descriptors. Also makes the worker the leader of a process group of
    /// its own, so that the parent can end whatever it started. Returns the channel's input and output.
    let takeOver () : Stream * Stream =
        if OperatingSystem.IsLinux() then
            let input = check "fcntl(0, F_DUPFD_CLOEXEC)" (fcntl (0, F_DUPFD_CLOEXEC, 3))
            let output = check "fcntl(1, F_DUPFD_CLOEXEC)" (fcntl (1, F_DUPFD_CLOEXEC, 3))
            let empty = check "open(/dev/null)" (openFile ("/dev/null", O_RDONLY_CLOEXEC))
            check "dup2(/dev/null, 0)" (dup2 (empty, 0)) |> ignore
            close empty |> ignore
            check "dup2(2, 1)" (dup2 (2, 1)) |> ignore
            // Fails only when the worker already leads a session; the parent then ends it alone.
            setpgid (0, 0) |> ignore
            replyDescriptor <- output
            // Console opens a standard stream when it is first used; nothing has used one yet, but the
            // streams are set here all the same, so that none can hold a descriptor of the channel.
            Console.SetIn(new StreamReader(Console.OpenStandardInput()))

            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), UTF8Encoding false, 256, AutoFlush = true))

            stream input FileAccess.Read, stream output FileAccess.Write
        else
            let input = Console.OpenStandardInput()
            let output = Console.OpenStandardOutput()
            // What user code prints must not corrupt the channel: its standard output goes to standard error.
            Console.SetOut(Console.Error)
            input, output

/// The loop a worker process runs instead of the application's Main.
module internal WorkerHost =

    [<Struct>]
    type private Frame =
        {
            Kind: byte
            Id: int
            Call: int
            Payload: byte[]
        }

    /// Reads one frame; None when the channel has ended (the parent closed it or died). A frame whose
    /// length is out of bounds ends the worker: the channel can no longer be trusted.
    let private readFrame (input: Stream) (header: byte[]) : Frame voption =
        try
            if Protocol.readExactly input (Span header) then
                match Protocol.payloadLength (ReadOnlySpan header) with
                | ValueNone ->
                    eprintfn
                        "The worker process received a frame of %d bytes, outside the bounds of a frame; it exits."
                        (Protocol.frameLength (ReadOnlySpan header))

                    exit 71
                | ValueSome length ->
                    let payload = Array.zeroCreate<byte> length
                    input.ReadExactly(Span payload)

                    ValueSome
                        {
                            Kind = header[4]
                            Id = Protocol.functionId (ReadOnlySpan header)
                            Call = Protocol.callNumber (ReadOnlySpan header)
                            Payload = payload
                        }
            else
                ValueNone
        with :? IOException ->
            ValueNone

    [<DllImport("libc", EntryPoint = "getppid")>]
    extern int private getppid()

    /// Keeps the parent watch alive for the life of the worker.
    let mutable private parentWatch: Timer = null

    /// Ends this process when the parent process exits, even while a call is running (standard input
    /// ending is noticed only between calls): on Unix the worker is then re-parented, which a look at
    /// its parent's id every 200 ms notices.
    let private watchParent (parentId: string) =
        match parentId with
        | null
        | "" -> ()
        | _ when OperatingSystem.IsWindows() -> ()
        | text ->
            let parent = int text

            if getppid () = parent then
                parentWatch <-
                    new Timer(
                        (fun _ ->
                            if getppid () <> parent then
                                Environment.Exit 0),
                        null,
                        200,
                        200
                    )

    let private writeText (reply: MemoryStream) (text: string) =
        let bytes = Encoding.UTF8.GetBytes text
        reply.Write(bytes, 0, bytes.Length)

    /// Serves calls; returns the exit code (in "once" mode: 0 when the call succeeded, 1 otherwise).
    let serve (once: bool) (parentId: string) (input: Stream) (output: Stream) : int =
        watchParent parentId
        let header = Array.zeroCreate<byte> Protocol.HeaderSize
        let invokers = Dictionary<int, Result<Invoker, exn>>()
        let reply = new MemoryStream()
        let mutable exitCode = 0
        let mutable go = true

        while go do
            match readFrame input header with
            | ValueNone ->
                exitCode <- 0
                go <- false
            | ValueSome frame ->
                if frame.Kind = Protocol.Define then
                    invokers[frame.Id] <-
                        try
                            Ok(Callable.load (Encoding.UTF8.GetString frame.Payload))
                        with e ->
                            Error e
                else
                    reply.SetLength(int64 Protocol.HeaderSize)
                    reply.Position <- int64 Protocol.HeaderSize

                    let fail kind (write: unit -> unit) =
                        reply.SetLength(int64 Protocol.HeaderSize)
                        reply.Position <- int64 Protocol.HeaderSize
                        write ()
                        kind

                    let kind =
                        match invokers.TryGetValue frame.Id with
                        | true, Ok invoker ->
                            try
                                invoker.Invoke(ReadOnlyMemory frame.Payload, reply)

                                if reply.Length - 4L > int64 Protocol.MaxFrameLength then
                                    raise (
                                        SerializationFailure(
                                            Protocol.tooLarge
                                                "result"
                                                invoker.ResultType
                                                (reply.Length - int64 Protocol.HeaderSize)
                                        )
                                    )

                                Protocol.Result
                            with
                            | :? SerializationFailure as e ->
                                fail Protocol.SerializationError (fun () ->
                                    writeText reply (Protocol.errorText e.InnerException))
                            | e -> fail Protocol.Error (fun () -> writeText reply (Protocol.errorText e))
                        | true, Error e -> fail Protocol.Error (fun () -> writeText reply (Protocol.errorText e))
                        | _ ->
                            fail Protocol.Error (fun () ->
                                writeText
                                    reply
                                    (Protocol.errorText (InvalidOperationException "The function is unknown.")))

                    let buffer = reply.GetBuffer()
                    Protocol.writeHeader buffer (int reply.Length) kind frame.Id frame.Call
                    output.Write(buffer, 0, int reply.Length)
                    output.Flush()

                    if once then
                        exitCode <- (if kind = Protocol.Result then 0 else 1)
                        go <- false

        exitCode

    /// Runs the worker when this process was started as one; returns at once otherwise.
    let run () =
        match Environment.GetEnvironmentVariable WorkerEnvironment.Mode with
        | null
        | "" -> ()
        | mode ->
            let input, output = Descriptors.takeOver ()
            // Processes the user's code starts from the worker are ordinary processes again.
            Environment.SetEnvironmentVariable(WorkerEnvironment.Mode, null)

            Environment.SetEnvironmentVariable(
                WorkerEnvironment.StartupHooks,
                Environment.GetEnvironmentVariable WorkerEnvironment.PreviousHooks
            )

            Environment.SetEnvironmentVariable(WorkerEnvironment.PreviousHooks, null)
            let parentId = Environment.GetEnvironmentVariable WorkerEnvironment.Parent
            Environment.SetEnvironmentVariable(WorkerEnvironment.Parent, null)
            let code = serve (mode = "once") parentId input output
            Console.Error.Flush()
            Environment.Exit code
