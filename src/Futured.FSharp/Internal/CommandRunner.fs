namespace Futured.Internal

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Runtime.ExceptionServices
open System.Text
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open CliWrap
open Futured

/// What a command reads on standard input.
type internal CommandInput =
    | NoInput
    | Text of string
    | Bytes of byte[]
    | FromStream of Stream
    /// The standard output of another command, streamed.
    | Upstream of CommandSpec

/// The immutable description of a command; running it never changes it.
and internal CommandSpec =
    {
        Program: string
        Arguments: string[]
        WorkingDirectory: string option
        /// Variables set for the process; a null value removes the variable.
        Environment: Map<string, string>
        Input: CommandInput
        Timeout: TimeSpan option
        CancellationToken: CancellationToken
    }

/// Where a command's standard output goes.
type internal Sink =
    /// Collected whole.
    | Collect of MemoryStream
    /// Line by line, to an asynchronous handler.
    | EachLine of (string -> CancellationToken -> Task)
    /// Into the standard input of the next stage of a pipeline.
    | Forward of Stream

/// Runs command descriptions on CliWrap, each process in its own process group.
module internal CommandRunner =

    let utf8 = UTF8Encoding(false)

    /// How much of standard error a CommandException keeps.
    let stderrLimit = 64 * 1024

    let private quote (arg: string) =
        if
            arg.Length > 0
            && arg |> Seq.forall (fun c -> Char.IsLetterOrDigit c || "-_./=:,+@%".Contains c)
        then
            arg
        else
            "'" + arg.Replace("'", "'\\''") + "'"

    /// The command as a shell would read it, pipeline stages joined by " | ".
    let rec display (spec: CommandSpec) =
        let own =
            String.Join(" ", Seq.append [ quote spec.Program ] (Seq.map quote spec.Arguments))

        match spec.Input with
        | Upstream up -> display up + " | " + own
        | _ -> own

    let private arguments (spec: CommandSpec) =
        Array.AsReadOnly(Array.copy spec.Arguments) :> IReadOnlyList<string>

    let private workingDirectory (spec: CommandSpec) =
        defaultArg spec.WorkingDirectory Environment.CurrentDirectory

    let private searchPath (spec: CommandSpec) =
        match spec.Environment.TryFind "PATH" with
        | Some path -> path
        | None -> Environment.GetEnvironmentVariable "PATH"

    let private cannotStart (spec: CommandSpec) (reason: string) (inner: exn) =
        CommandException(
            $"Command '{display spec}' could not start: {reason}",
            spec.Program,
            arguments spec,
            Nullable(),
            "",
            inner
        )

    let private resolve (spec: CommandSpec) =
        match ProcessGroup.resolve spec.Program (searchPath spec) (workingDirectory spec) with
        | Some path -> path
        | None ->
            let reason =
                if spec.Program.Contains '/' then
                    $"program '{spec.Program}' was not found (no executable file at that path)."
                else
                    $"program '{spec.Program}' was not found in any directory of PATH."

            raise (cannotStart spec reason null)

    /// Checks every stage of a pipeline before any process starts: each program must be found.
    let rec check (spec: CommandSpec) =
        resolve spec |> ignore

        match spec.Input with
        | Upstream up -> check up
        | _ -> ()

    let private setsid (spec: CommandSpec) =
        match ProcessGroup.setsid.Value with
        | Some path -> path
        | None ->
            raise (
                cannotStart
                    spec
                    "setsid (util-linux) was not found; every command runs through it in its own process group."
                    null
            )

    let private failed (spec: CommandSpec) (exitCode: int) (stderr: string) =
        let tail = stderr.TrimEnd()

        let shown =
            if tail.Length > 2000 then
                "…" + tail.Substring(tail.Length - 2000)
            else
                tail

        let message =
            if shown.Length = 0 then
                $"Command '{display spec}' exited with code {exitCode}."
            else
                $"Command '{display spec}' exited with code {exitCode}. Standard error:{Environment.NewLine}{shown}"

        CommandException(message, spec.Program, arguments spec, Nullable exitCode, stderr, null)

    /// Keeps the last stderrLimit bytes a stream yields.
    type private Tail() =
        let buffer = new MemoryStream()

        member _.Target =
            PipeTarget.Create(fun (source: Stream) (ct: CancellationToken) ->
                task {
                    let chunk = Array.zeroCreate<byte> 4096
                    let mutable reading = true

                    while reading do
                        let! n = source.ReadAsync(chunk.AsMemory(), ct)

                        if n = 0 then
                            reading <- false
                        else
                            lock buffer (fun () ->
                                buffer.Write(chunk, 0, n)

                                if buffer.Length > int64 (2 * stderrLimit) then
                                    let kept = buffer.ToArray()
                                    buffer.SetLength 0L
                                    buffer.Write(kept, kept.Length - stderrLimit, stderrLimit))
                }
                :> Task)

        member _.Text =
            lock buffer (fun () ->
                let length = int buffer.Length
                let start = max 0 (length - stderrLimit)
                utf8.GetString(buffer.GetBuffer(), start, length - start))

    let private rethrow (e: exn) : 'a =
        ExceptionDispatchInfo.Capture(e).Throw()
        Unchecked.defaultof<'a>

    /// Runs one stage (and, through its standard input, every stage before it). Completes when its
    /// process has exited and its standard output is consumed; raises CommandException, TimeoutException
    /// or OperationCanceledException (for <c>outer</c> or the command's own token).
    let rec execute (spec: CommandSpec) (sink: Sink) (outer: CancellationToken) : Task =
        task {
            let program = resolve spec
            let launcher = setsid spec

            // Disposed explicitly: no `use` in library task code (see Limiter), so that the library also
            // runs under the FSharp.Core of dotnet fsi.
            let linked =
                CancellationTokenSource.CreateLinkedTokenSource(outer, spec.CancellationToken)

            try
                match spec.Timeout with
                | Some t when t <> Timeout.InfiniteTimeSpan -> linked.CancelAfter t
                | _ -> ()

                let stderr = Tail()
                let pid = ref 0
                let exited = ref false
                let cutOff = ref false
                let upstream: Task ref = ref null

                let stdin =
                    match spec.Input with
                    | NoInput -> PipeSource.Null
                    | Text text -> PipeSource.FromString(text, utf8)
                    | Bytes bytes -> PipeSource.FromBytes bytes
                    | FromStream stream -> PipeSource.FromStream stream
                    | Upstream up ->
                        PipeSource.Create(fun (destination: Stream) (ct: CancellationToken) ->
                            let run = pipeFrom up destination ct
                            upstream.Value <- run
                            run)

                let stdout =
                    match sink with
                    | Collect buffer -> PipeTarget.ToStream buffer
                    | EachLine handler -> PipeTarget.ToDelegate((fun line ct -> handler line ct), utf8)
                    | Forward destination ->
                        PipeTarget.Create(fun (source: Stream) (ct: CancellationToken) ->
                            task {
                                try
                                    do! source.CopyToAsync(destination, 81920, ct)
                                with
                                | :? IOException
                                | :? ObjectDisposedException ->
                                    // The next stage stopped reading: end this one as a shell's SIGPIPE would.
                                    cutOff.Value <- true
                                    ProcessGroup.killTree pid.Value
                            }
                            :> Task)

                let cli =
                    Cli
                        .Wrap(launcher)
                        .WithArguments(Seq.append [ program ] spec.Arguments)
                        .WithWorkingDirectory(workingDirectory spec)
                        .WithEnvironmentVariables(Dictionary<string, string>(spec.Environment :> IDictionary<_, _>))
                        .WithStandardInputPipe(stdin)
                        .WithStandardOutputPipe(stdout)
                        .WithStandardErrorPipe(stderr.Target)
                        .WithValidation(CommandResultValidation.None)

                let onExit () =
                    if not exited.Value then
                        exited.Value <- true
                        // The command is over: nothing it started in its group may outlive it (and hold its pipes).
                        ProcessGroup.killGroup pid.Value

                let configure (p: Process) =
                    pid.Value <- p.Id
                    p.Exited.Add(fun _ -> onExit ())

                    if p.HasExited then
                        onExit ()

                let running =
                    if linked.IsCancellationRequested then
                        Task.FromCanceled<CommandResult>(linked.Token)
                    else
                        try
                            (cli.ExecuteAsync(null, Action<Process> configure, linked.Token, CancellationToken.None))
                                .Task
                        with e ->
                            raise (cannotStart spec e.Message e)

                let killing =
                    linked.Token.Register(fun () ->
                        if not exited.Value then
                            ProcessGroup.killTree pid.Value)

                let! outcome =
                    task {
                        try
                            let! result = running
                            return Ok result
                        with e ->
                            return Error e
                    }

                killing.Dispose()

                let! upstreamFault =
                    task {
                        if isNull upstream.Value then
                            return None
                        else
                            try
                                do! upstream.Value
                                return None
                            with e ->
                                return Some e
                    }

                match outcome with
                | Error(:? OperationCanceledException) when linked.IsCancellationRequested ->
                    if spec.CancellationToken.IsCancellationRequested then
                        raise (
                            OperationCanceledException(
                                $"Command '{display spec}' was cancelled.",
                                spec.CancellationToken
                            )
                        )
                    elif outer.IsCancellationRequested then
                        raise (OperationCanceledException($"Command '{display spec}' was cancelled.", outer))
                    else
                        let after =
                            match spec.Timeout with
                            | Some t -> $" after {t}"
                            | None -> ""

                        raise (
                            TimeoutException(
                                $"Command '{display spec}' timed out{after}; its process group was killed."
                            )
                        )
                | _ -> ()

                match upstreamFault with
                | Some e -> rethrow e
                | None -> ()

                match outcome with
                | Error e -> rethrow e
                | Ok result when result.ExitCode <> 0 && not cutOff.Value ->
                    raise (failed spec result.ExitCode stderr.Text)
                | Ok _ -> ()
            finally
                linked.Dispose()
        }

    /// Runs an upstream stage into the next stage's standard input. When the next stage is done with its
    /// input (its process exited, so <c>ct</c> is cancelled), the upstream stage is killed and that is not
    /// an error, as with a shell's SIGPIPE; the pipeline's own cancellation is reported by the last stage.
    and private pipeFrom (spec: CommandSpec) (destination: Stream) (ct: CancellationToken) : Task =
        task {
            try
                do! execute spec (Forward destination) ct
            with :? OperationCanceledException when ct.IsCancellationRequested ->
                ()
        }

    /// Runs a command and collects its standard output (a MemoryStream holds no resource to dispose).
    let private collect (spec: CommandSpec) : Task<MemoryStream> =
        task {
            check spec
            let buffer = new MemoryStream()
            do! execute spec (Collect buffer) CancellationToken.None
            return buffer
        }

    /// Runs a command and gives its standard output decoded as UTF-8.
    let collectText (spec: CommandSpec) : Task<string> =
        task {
            let! output = collect spec
            return utf8.GetString(output.GetBuffer(), 0, int output.Length)
        }

    /// Runs a command and gives its standard output's bytes.
    let collectBytes (spec: CommandSpec) : Task<byte[]> =
        task {
            let! output = collect spec
            return output.ToArray()
        }

    /// Reads the lines of one run of a command; the process starts on the first MoveNextAsync.
    type private LinesEnumerator(spec: CommandSpec, token: CancellationToken) =
        let channel =
            Channel.CreateBounded<string>(BoundedChannelOptions(64, SingleReader = true, SingleWriter = true))

        let stop = CancellationTokenSource.CreateLinkedTokenSource token
        let mutable current = null
        let mutable running: Task = null

        let start () =
            running <-
                task {
                    try
                        check spec

                        do!
                            execute
                                spec
                                (EachLine(fun line ct -> channel.Writer.WriteAsync(line, ct).AsTask()))
                                stop.Token
                    finally
                        channel.Writer.TryComplete() |> ignore
                }

        let next () =
            task {
                let mutable result = None

                while result.IsNone do
                    match channel.Reader.TryRead() with
                    | true, line ->
                        current <- line
                        result <- Some true
                    | _ ->
                        let! more = channel.Reader.WaitToReadAsync()

                        if not more then
                            try
                                do! running
                            with :? OperationCanceledException when token.IsCancellationRequested ->
                                raise (OperationCanceledException("The command's lines were cancelled.", token))

                            result <- Some false

                return result.Value
            }

        interface IAsyncEnumerator<string> with
            member _.Current = current

            member _.MoveNextAsync() =
                if isNull running then
                    start ()

                ValueTask<bool>(next ())

            member _.DisposeAsync() =
                ValueTask(
                    task {
                        if not (isNull running) then
                            if not running.IsCompleted then
                                stop.Cancel()

                            try
                                do! running
                            with _ ->
                                ()

                        stop.Dispose()
                    }
                )

    /// The lines a command writes to standard output, as it writes them; each enumeration is a new run.
    let lines (spec: CommandSpec) : IAsyncEnumerable<string> =
        { new IAsyncEnumerable<string> with
            member _.GetAsyncEnumerator token =
                new LinesEnumerator(spec, token) :> IAsyncEnumerator<string>
        }
