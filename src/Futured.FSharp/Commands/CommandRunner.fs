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

    let private missingDirectory (spec: CommandSpec) (inner: exn) =
        let given = workingDirectory spec
        let full = Path.GetFullPath given

        let shown = if full = given then $"'{given}'" else $"'{given}' ({full})"

        cannotStart spec $"working directory {shown} does not exist or is not a directory." inner

    /// Checks every stage of a pipeline before any process starts: each working directory must exist (the start
    /// would otherwise fail naming only the launcher) and each program must be found. Gives the programs' paths,
    /// this stage's first and then those of the stages before it, so that execute does not look them up again.
    let rec check (spec: CommandSpec) : string list =
        if not (Directory.Exists(workingDirectory spec)) then
            raise (missingDirectory spec null)

        let program = resolve spec

        match spec.Input with
        | Upstream up -> program :: check up
        | _ -> [ program ]

    /// setsid(1): the launcher when the in-memory one (GroupLauncher) cannot be used.
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
                        let! n = source.ReadAsync(chunk.AsMemory(), ct).ConfigureAwait(false)

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

    /// What one run shares between the runner, CliWrap's piping tasks, the cancellation callback and the
    /// process's Exited handler, each on its own thread: written and read with Volatile or Interlocked.
    [<Sealed; AllowNullLiteral>]
    type private RunState() =
        /// The started process, once CliWrap has started it (null before).
        [<DefaultValue>]
        val mutable Leader: GroupLeader

        /// 1 once the exit handler has run (it kills what the command left in its group).
        [<DefaultValue>]
        val mutable Exited: int

        /// 1 when the next stage of a pipeline stopped reading and this stage was killed for it.
        [<DefaultValue>]
        val mutable CutOff: int

        /// The run of the stage before this one in a pipeline, once CliWrap has started feeding it.
        [<DefaultValue>]
        val mutable Upstream: Task

        member this.KillTree() =
            match Volatile.Read(&this.Leader) with
            | null -> ()
            | leader -> leader.KillTree()

    /// Runs one stage (and, through its standard input, every stage before it). Completes when its
    /// process has exited and its standard output is consumed; raises CommandException, TimeoutException
    /// or OperationCanceledException (for <c>outer</c> or the command's own token).
    let rec execute (programs: string list) (spec: CommandSpec) (sink: Sink) (outer: CancellationToken) : Task =
        task {
            // The paths check found for this stage and the ones before it; looked up here when not given.
            let program, upstreamPrograms =
                match programs with
                | program :: rest -> program, rest
                | [] -> resolve spec, []

            // Disposed explicitly: no `use` in library task code (see Limiter), so that the library also
            // runs under the FSharp.Core of dotnet fsi.
            let linked =
                CancellationTokenSource.CreateLinkedTokenSource(outer, spec.CancellationToken)

            try
                match spec.Timeout with
                | Some t when t <> Timeout.InfiniteTimeSpan -> linked.CancelAfter t
                | _ -> ()

                let stderr = Tail()
                let state = RunState()

                let stdin =
                    match spec.Input with
                    | NoInput -> PipeSource.Null
                    | Text text -> PipeSource.FromString(text, utf8)
                    | Bytes bytes -> PipeSource.FromBytes bytes
                    | FromStream stream -> PipeSource.FromStream stream
                    | Upstream up ->
                        PipeSource.Create(fun (destination: Stream) (ct: CancellationToken) ->
                            let run = pipeFrom upstreamPrograms up destination ct
                            Volatile.Write(&state.Upstream, run)
                            run)

                let stdout =
                    match sink with
                    | Collect buffer -> PipeTarget.ToStream buffer
                    | EachLine handler -> PipeTarget.ToDelegate((fun line ct -> handler line ct), utf8)
                    | Forward destination ->
                        PipeTarget.Create(fun (source: Stream) (ct: CancellationToken) ->
                            task {
                                try
                                    do! source.CopyToAsync(destination, 81920, ct).ConfigureAwait(false)
                                with
                                | :? IOException
                                | :? ObjectDisposedException ->
                                    // The next stage stopped reading: end this one as a shell's SIGPIPE would.
                                    Volatile.Write(&state.CutOff, 1)
                                    state.KillTree()
                            }
                            :> Task)

                let cli (launcher: string) =
                    Cli
                        .Wrap(launcher)
                        .WithArguments(Seq.append [ program ] spec.Arguments)
                        .WithWorkingDirectory(workingDirectory spec)
                        .WithEnvironmentVariables(Dictionary<string, string>(spec.Environment :> IDictionary<_, _>))
                        .WithStandardInputPipe(stdin)
                        .WithStandardOutputPipe(stdout)
                        .WithStandardErrorPipe(stderr.Target)
                        .WithValidation(CommandResultValidation.None)

                // Runs once, from the Exited event or from configure when the process ended before the handler
                // was attached (both may see it). The process is reaped by then: GroupLeader kills its group
                // through the pidfd it holds, never by a pid the kernel may have given to another process since.
                let onExit (leader: GroupLeader) =
                    if Interlocked.Exchange(&state.Exited, 1) = 0 then
                        // The command is over: nothing it started in its group may outlive it (and hold its pipes).
                        leader.KillGroup()
                        leader.Dispose()

                let configure (p: Process) =
                    // CliWrap calls this right after the process started, before it awaits anything.
                    let leader = GroupLeader.Track p
                    Volatile.Write(&state.Leader, leader)
                    p.Exited.Add(fun _ -> onExit leader)

                    if p.HasExited then
                        onExit leader

                let running =
                    if linked.IsCancellationRequested then
                        Task.FromCanceled<CommandResult>(linked.Token)
                    else
                        // CliWrap starts the process and its first await here, on the caller's thread, and some of
                        // its awaits keep the current SynchronizationContext: without one, none of its continuations
                        // is posted back to the caller's (a UI thread's, which may be blocked waiting for this run).
                        let callers = SynchronizationContext.Current
                        SynchronizationContext.SetSynchronizationContext null

                        let start (launcher: string) =
                            (cli(launcher)
                                .ExecuteAsync(null, Action<Process> configure, linked.Token, CancellationToken.None))
                                .Task

                        try
                            try
                                match GroupLauncher.path.Value with
                                | Some launcher -> start launcher
                                | None -> start (setsid spec)
                            finally
                                SynchronizationContext.SetSynchronizationContext callers
                        with e ->
                            if Directory.Exists(workingDirectory spec) then
                                raise (cannotStart spec e.Message e)
                            else
                                // Removed since check: name it, not the launcher.
                                raise (missingDirectory spec e)

                // Before the process is started (state.Leader is null) a cancellation reaches CliWrap's own kill;
                // after its exit the leader has been disposed and this does nothing.
                let killing = linked.Token.Register(fun () -> state.KillTree())

                let! outcome =
                    (task {
                        try
                            let! result = running.ConfigureAwait(false)
                            return Ok result
                        with e ->
                            return Error e
                    })
                        .ConfigureAwait(false)

                killing.Dispose()

                let! upstreamFault =
                    (task {
                        match Volatile.Read(&state.Upstream) with
                        | null -> return None
                        | upstream ->
                            try
                                do! upstream.ConfigureAwait(false)
                                return None
                            with e ->
                                return Some e
                    })
                        .ConfigureAwait(false)

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
                | Ok result when result.ExitCode <> 0 && Volatile.Read(&state.CutOff) = 0 ->
                    raise (failed spec result.ExitCode stderr.Text)
                | Ok _ -> ()
            finally
                linked.Dispose()
        }

    /// Runs an upstream stage into the next stage's standard input. When the next stage is done with its
    /// input (its process exited, so <c>ct</c> is cancelled), the upstream stage is killed and that is not
    /// an error, as with a shell's SIGPIPE; the pipeline's own cancellation is reported by the last stage.
    and private pipeFrom
        (programs: string list)
        (spec: CommandSpec)
        (destination: Stream)
        (ct: CancellationToken)
        : Task =
        task {
            try
                do! (execute programs spec (Forward destination) ct).ConfigureAwait(false)
            with :? OperationCanceledException when ct.IsCancellationRequested ->
                ()
        }

    /// Runs a command and collects its standard output (a MemoryStream holds no resource to dispose).
    let private collect (spec: CommandSpec) : Task<MemoryStream> =
        task {
            let programs = check spec
            let buffer = new MemoryStream()
            do! (execute programs spec (Collect buffer) CancellationToken.None).ConfigureAwait(false)
            return buffer
        }

    /// Runs a command and gives its standard output decoded as UTF-8.
    let collectText (spec: CommandSpec) : Task<string> =
        task {
            let! output = (collect spec).ConfigureAwait(false)
            return utf8.GetString(output.GetBuffer(), 0, int output.Length)
        }

    /// Runs a command and gives its standard output's bytes.
    let collectBytes (spec: CommandSpec) : Task<byte[]> =
        task {
            let! output = (collect spec).ConfigureAwait(false)
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
                        let programs = check spec

                        do!
                            (execute
                                programs
                                spec
                                (EachLine(fun line ct -> channel.Writer.WriteAsync(line, ct).AsTask()))
                                stop.Token)
                                .ConfigureAwait(false)
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
                        let! more = channel.Reader.WaitToReadAsync().ConfigureAwait(false)

                        if not more then
                            try
                                do! running.ConfigureAwait(false)
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
                                do! running.ConfigureAwait(false)
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
