namespace Futured.Internal

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.IO
open System.Text
open System.Threading

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

    /// Builds the serializer's settings and its contracts for a few common types, and runs it once each way,
    /// so that the machinery every call needs (the converters' type tests, F# reflection, the crossing check,
    /// System.Text.Json's own first use) is compiled before the first call arrives. Measured in a cold worker:
    /// about 50 ms before the first Deserialize of an int could start, most of a worker's own start-up.
    let private warmUp () =
        try
            let options = Json.options

            for t in [ typeof<int>; typeof<string> ] do
                options.GetTypeInfo t |> ignore

            use buffer = new MemoryStream()
            Text.Json.JsonSerializer.Serialize<int>(buffer, 1, options)

            Text.Json.JsonSerializer.Deserialize<int>(ReadOnlySpan(buffer.GetBuffer(), 0, int buffer.Length), options)
            |> ignore
        with _ ->
            // Only a head start: the first call builds whatever is missing and reports any error itself.
            ()

    /// Runs the worker when this process was started as one; returns at once otherwise.
    let run () =
        match Environment.GetEnvironmentVariable WorkerEnvironment.Mode with
        | null
        | "" -> ()
        | mode ->
            // The warm-up runs beside the channel's set-up, the wait for the first call and the loading of its
            // function (a prestarted worker is ready when its first call comes); calls wait for what it has not
            // finished (the settings are built once, under the type initializer's lock).
            Thread(warmUp, IsBackground = true, Name = "Futured worker warm-up").Start()
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
