namespace Futured;

public static partial class Futures
{
    /// <summary>
    /// A subprocess as a future: <c>await Futures.Command("ls", "-l")</c> runs the program and gives its standard
    /// output, or throws <see cref="CommandException"/> (exit code, arguments, standard error). Commands pipe with
    /// <c>|</c>, stream their output lines with <c>await foreach</c>, and take <c>WithTimeout</c> and
    /// <c>WithCancellation</c>, which kill the whole process group. Nothing runs until the command is awaited or run;
    /// every run starts a new process.
    /// </summary>
    /// <param name="program">A program name looked up in PATH, or a path (it contains '/').</param>
    /// <param name="arguments">The arguments, passed as they are (no shell quoting or splitting).</param>
    /// <returns>The command.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="program"/>, <paramref name="arguments"/> or one
    /// of them is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="program"/> is empty, or <paramref name="program"/> or an
    /// argument contains a NUL character (the operating system would cut it off there).</exception>
    public static Command Command(string program, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(arguments);
        return Commands.command(program, arguments);
    }

    /// <summary>A command that runs a script with <c>/bin/sh -c</c>.</summary>
    /// <param name="script">The shell script.</param>
    /// <returns>The command.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="script"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="script"/> contains a NUL character.</exception>
    public static Command Shell(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return CommandModule.shell(script);
    }
}

/// <summary>C# members of <see cref="Command"/>: running it as a task, its output lines, pipes.</summary>
public static class CommandExtensions
{
    /// <summary>Starts a new run and gives its standard output (UTF-8, a final newline included); the same as
    /// awaiting the command, as a <see cref="Task{TResult}"/> to keep, share or pass to the map family.</summary>
    /// <param name="command">The command.</param>
    /// <returns>A task of the standard output; it faults with <see cref="CommandException"/>,
    /// <see cref="TimeoutException"/> or <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="command"/> is null.</exception>
    public static Task<string> RunAsync(this Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandModule.run(command);
    }

    /// <summary>Starts a new run and gives its standard output as bytes.</summary>
    /// <param name="command">The command.</param>
    /// <returns>A task of the standard output's bytes.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="command"/> is null.</exception>
    public static Task<byte[]> RunBytesAsync(this Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandModule.runBytes(command);
    }

    /// <summary>The lines of standard output, each as soon as the process writes it; each enumeration starts a new
    /// run and ends when the process exits, then raises its error, if any.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The lines, without their line ends.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="command"/> is null.</exception>
    public static IAsyncEnumerable<string> Lines(this Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandModule.lines(command);
    }

    /// <summary>Lets <c>await foreach (var line in command)</c> read the output lines of a new run.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Kills the process group and stops the enumeration.</param>
    /// <returns>An enumerator of the output lines.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="command"/> is null.</exception>
    public static IAsyncEnumerator<string> GetAsyncEnumerator(
        this Command command,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandModule.lines(command).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Pipes this command's standard output into <paramref name="next"/>'s standard input, streamed; the
    /// same as <c>command | next</c>.</summary>
    /// <param name="command">The stage that writes.</param>
    /// <param name="next">The stage that reads.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="command"/> or <paramref name="next"/> is null.</exception>
    public static Command Pipe(this Command command, Command next)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(next);
        return CommandModule.pipe(next, command);
    }
}
