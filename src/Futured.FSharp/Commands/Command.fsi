namespace Futured

open System
open System.Collections.Generic
open System.IO
open System.Runtime.CompilerServices
open System.Threading
open System.Threading.Tasks
open Futured.Internal

/// <summary>
/// A subprocess as a future: an immutable description of a program, its arguments and options, run on
/// CliWrap. A <c>Command</c> is cold, like a CliWrap command: nothing runs when it is built, and every
/// run (<c>Command.run</c>, <c>Command.runBytes</c>, each enumeration of <c>Command.lines</c>, each
/// <c>await</c> or <c>let!</c>) starts a new process. To share one run, keep the task
/// <c>Command.run cmd</c> returns.
/// </summary>
/// <remarks>
/// Every process starts through <c>setsid</c> (util-linux), so it leads its own process group. A timeout or
/// a cancellation kills that whole group (every descendant that did not leave it), and so does the
/// command's own exit: background processes a command leaves behind are killed when it exits, so no
/// process outlives its command and none keeps its pipes open. A process that starts its own session
/// or group (a daemon) has left the command and is not killed. The group is signalled through a pidfd that holds
/// its leader (Linux), never by a pid number the system may have given to another process since. Unix only.
/// <para>The program, the arguments, environment variables and the working directory reach the operating system as
/// C strings, so none may contain a NUL character: building such a command raises ArgumentException naming the
/// parameter, rather than cut the string there. A working directory that does not exist when a run starts is a
/// CommandException that names it, raised before any stage of a pipeline starts.</para>
/// <para>Timeouts follow the library's one rule: <c>Timeout.InfiniteTimeSpan</c> is no deadline; any other negative
/// value, or one longer than the runtime's timer limit (<c>UInt32.MaxValue - 1</c> milliseconds, about 49.7 days,
/// so <c>TimeSpan.MaxValue</c> too), is refused with ArgumentOutOfRangeException naming the parameter when the
/// timeout is given, never later at run time and never silently turned into no deadline.</para>
/// </remarks>
[<Sealed>]
type Command =
    internal new: spec: CommandSpec -> Command

    member internal Spec: CommandSpec

    /// <summary>The program, as given: a name looked up in PATH, or a path when it contains '/'.</summary>
    member Program: string

    /// <summary>The arguments, passed to the program as they are (no shell quoting or splitting).</summary>
    member Arguments: IReadOnlyList<string>

    /// <summary>A copy with other arguments.</summary>
    /// <param name="arguments">The new arguments.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>arguments</c> or one of them is null.</exception>
    /// <exception cref="T:System.ArgumentException">When an argument contains a NUL character (the operating system
    /// would cut it off there).</exception>
    member WithArguments: arguments: seq<string> -> Command

    /// <summary>A copy that runs in another working directory.</summary>
    /// <param name="path">The directory; relative paths are taken from the current directory at run time.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>path</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>path</c> contains a NUL character.</exception>
    /// <remarks>A directory that does not exist when a run starts makes that run fail with a CommandException
    /// naming it.</remarks>
    member WithWorkingDirectory: path: string -> Command

    /// <summary>A copy with environment variables set (added to, or replacing, the inherited ones); a null
    /// value removes the variable. A PATH set here is also where the program is looked up.</summary>
    /// <param name="variables">Names and values.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>variables</c> or a name is null.</exception>
    /// <exception cref="T:System.ArgumentException">When a name is empty or contains '=', or a name or value
    /// contains a NUL character.</exception>
    member WithEnvironmentVariables: variables: IReadOnlyDictionary<string, string> -> Command

    /// <summary>A copy that reads this text, encoded as UTF-8, on standard input.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>text</c> is null.</exception>
    member WithStandardInput: text: string -> Command

    /// <summary>A copy that reads these bytes on standard input.</summary>
    /// <param name="bytes">The bytes; copied, so later changes to the array do not reach the command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>bytes</c> is null.</exception>
    member WithStandardInput: bytes: byte[] -> Command

    /// <summary>A copy that streams standard input from a readable stream, from its current position. The
    /// stream is not disposed; a second run reads what the first one left.</summary>
    /// <param name="stream">The readable stream.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>stream</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>stream</c> cannot be read.</exception>
    member WithStandardInput: stream: Stream -> Command

    /// <summary>A copy whose standard input is the standard output of <c>source</c>, streamed: the same as
    /// <c>source ||| this</c>.</summary>
    /// <param name="source">The command whose output feeds this one.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>source</c> is null.</exception>
    member WithStandardInput: source: Command -> Command

    /// <summary>A copy with a timeout for each run: when it passes, the process group (of every stage, for a
    /// pipeline) is killed and the run raises TimeoutException.</summary>
    /// <param name="timeout">The timeout; <c>Timeout.InfiniteTimeSpan</c> for none.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <c>Timeout.InfiniteTimeSpan</c>) or longer than the runtime's timer limit, about 49.7 days
    /// (<c>TimeSpan.MaxValue</c> too).</exception>
    member WithTimeout: timeout: TimeSpan -> Command

    /// <summary>A copy whose runs are cancelled by this token: the process group (of every stage, for a
    /// pipeline) is killed and the run raises OperationCanceledException.</summary>
    /// <param name="cancellationToken">The token.</param>
    /// <returns>The new command.</returns>
    member WithCancellation: cancellationToken: CancellationToken -> Command

    /// <summary>Starts a new run (see <c>Command.run</c>) and returns its awaiter, so that
    /// <c>task { let! out = cmd }</c> and C# <c>await cmd</c> give the standard output.</summary>
    /// <returns>The awaiter of a new run.</returns>
    member GetAwaiter: unit -> TaskAwaiter<string>

    /// <summary>Pipes <c>source</c>'s standard output into <c>next</c>'s standard input, streamed (C#
    /// <c>source | next</c>, F# <c>source ||| next</c>); <c>next</c>'s own input is replaced.</summary>
    /// <param name="source">The first stage.</param>
    /// <param name="next">The stage that reads it.</param>
    /// <returns>The pipeline; its options (timeout, cancellation) are those of <c>next</c> and cover every stage.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>source</c> or <c>next</c> is null.</exception>
    static member (|||): source: Command * next: Command -> Command

    /// <summary>The command as a shell would read it, pipeline stages joined by " | ".</summary>
    /// <returns>The text.</returns>
    override ToString: unit -> string

/// <summary>Running commands and setting their options; every option function returns a new
/// <see cref="T:Futured.Command"/>, with the command last so that options chain with <c>|&gt;</c>.</summary>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Command =

    /// <summary>A command that runs a script with <c>/bin/sh -c</c>.</summary>
    /// <param name="script">The shell script.</param>
    /// <returns>The command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>script</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>script</c> contains a NUL character.</exception>
    val shell: script: string -> Command

    /// <summary>Starts a new run and gives its standard output, decoded as UTF-8, exactly as written
    /// (a final newline included).</summary>
    /// <param name="command">The command.</param>
    /// <returns>A task of the standard output. It faults with <see cref="T:Futured.CommandException"/> when a
    /// stage exits non-zero, or a program or a working directory is not found (no process starts then),
    /// <see cref="T:System.TimeoutException"/> on the command's timeout and
    /// <see cref="T:System.OperationCanceledException"/> on its cancellation.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>command</c> is null.</exception>
    val run: command: Command -> Task<string>

    /// <summary>Like <c>run</c>, giving the standard output as bytes.</summary>
    /// <param name="command">The command.</param>
    /// <returns>A task of the standard output's bytes; it faults as <c>run</c>'s does.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>command</c> is null.</exception>
    val runBytes: command: Command -> Task<byte[]>

    /// <summary>The lines of standard output (UTF-8, without their line ends), each yielded as soon as the
    /// process writes it. Each enumeration starts a new run on its first <c>MoveNextAsync</c>; the stream
    /// ends when the process exits (anything it left in its group is killed then, so no grandchild can
    /// hold it open), and then raises the run's error, if any, after every line. The token given to
    /// <c>GetAsyncEnumerator</c> and an early <c>DisposeAsync</c> kill the process group.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The lines.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>command</c> is null.</exception>
    val lines: command: Command -> TaskSeq<string>

    /// <summary>Pipes <c>command</c>'s standard output into <c>next</c>'s standard input, streamed, never
    /// buffered whole: <c>command "seq" [ "3" ] |&gt; Command.pipe (command "wc" [ "-l" ])</c>. Every stage
    /// keeps its standard error for its CommandException; the first stage to fail is the one reported.
    /// A stage cut off because a later stage exited without reading all its input is not a failure (as
    /// with a shell's SIGPIPE).</summary>
    /// <param name="next">The stage that reads the output.</param>
    /// <param name="command">The stage that writes it.</param>
    /// <returns>The pipeline; its timeout and cancellation are <c>next</c>'s and cover every stage.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>next</c> or <c>command</c> is null.</exception>
    val pipe: next: Command -> command: Command -> Command

    /// <summary>Runs the command in another working directory.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>path</c> or <c>command</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>path</c> contains a NUL character.</exception>
    val withWorkingDirectory: path: string -> command: Command -> Command

    /// <summary>Sets environment variables (a null value removes one); later pairs win.</summary>
    /// <param name="variables">Name and value pairs.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>variables</c>, a name or <c>command</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When a name is empty or contains '=', or a name or value
    /// contains a NUL character.</exception>
    val withEnvironment: variables: seq<string * string> -> command: Command -> Command

    /// <summary>Gives the command this text (UTF-8) on standard input.</summary>
    /// <param name="text">The text.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>text</c> or <c>command</c> is null.</exception>
    val withInputText: text: string -> command: Command -> Command

    /// <summary>Gives the command these bytes on standard input.</summary>
    /// <param name="bytes">The bytes (copied).</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>bytes</c> or <c>command</c> is null.</exception>
    val withInputBytes: bytes: byte[] -> command: Command -> Command

    /// <summary>Streams the command's standard input from a readable stream (not disposed).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>stream</c> or <c>command</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>stream</c> cannot be read.</exception>
    val withInputStream: stream: Stream -> command: Command -> Command

    /// <summary>Feeds the command the standard output of <c>source</c>: <c>withInput source cmd</c> is
    /// <c>source |&gt; Command.pipe cmd</c>.</summary>
    /// <param name="source">The command whose output is the input.</param>
    /// <param name="command">The command.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>source</c> or <c>command</c> is null.</exception>
    val withInput: source: Command -> command: Command -> Command

    /// <summary>Kills the process group and raises TimeoutException when a run takes longer.</summary>
    /// <param name="timeout">The timeout; <c>Timeout.InfiniteTimeSpan</c> for none. Any other negative value, or
    /// one longer than the runtime's timer limit (<c>UInt32.MaxValue - 1</c> milliseconds, about 49.7 days, so
    /// <c>TimeSpan.MaxValue</c> too), is refused here rather than fail at run time or mean no deadline.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>command</c> is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <c>Timeout.InfiniteTimeSpan</c>) or longer than the timer limit, naming <c>timeout</c>.</exception>
    val withTimeout: timeout: TimeSpan -> command: Command -> Command

    /// <summary>Kills the process group and raises OperationCanceledException when the token is cancelled.</summary>
    /// <param name="cancellationToken">The token.</param>
    /// <param name="command">The command.</param>
    /// <returns>The new command.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>command</c> is null.</exception>
    val withCancellation: cancellationToken: CancellationToken -> command: Command -> Command

/// <summary>The <c>command</c> function, opened with the <c>Futured</c> namespace so that scripts can write
/// <c>command "ls" [ "-l" ]</c>.</summary>
[<AutoOpen>]
module Commands =

    /// <summary>A command that runs <c>program</c> with <c>arguments</c> (no shell involved).</summary>
    /// <param name="program">A program name looked up in PATH, or a path (it contains '/').</param>
    /// <param name="arguments">The arguments, passed as they are.</param>
    /// <returns>The command; nothing runs until it is run or awaited.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>program</c>, <c>arguments</c> or one of them is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>program</c> is empty, or <c>program</c> or an argument
    /// contains a NUL character (the operating system would cut it off there).</exception>
    val command: program: string -> arguments: seq<string> -> Command
