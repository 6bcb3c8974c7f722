using System.Diagnostics;

namespace Futured.CSharpExample;

/// <summary>The C# example's checks of worker processes and waiting scopes under cancellation: every entry point
/// that takes a two-argument delegate or a <see cref="CancellationToken"/>, with its result checked.</summary>
internal static class CancellationChecks
{
    /// <summary>Runs every check and returns a line for each mismatch (none when all results are right).</summary>
    public static async Task<List<string>> RunAsync()
    {
        var mismatches = new List<string>();

        void Check<T>(string what, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                mismatches.Add($"MISMATCH in {what}: expected {expected}, got {actual}");
            }
        }

        void Refused(string what, string parameter, Action call)
        {
            try
            {
                call();
                Check(what, "ArgumentException", "accepted");
            }
            catch (ArgumentException e)
            {
                Check($"{what}: the parameter named", parameter, e.ParamName);
                Check($"{what}: the reason given", true, e.Message.Contains("captured state", StringComparison.Ordinal));
            }
        }

        var folder = Directory.CreateTempSubdirectory("futured-cancellation-").FullName;
        var offset = folder.Length;

        await using (var pool = new Processed(1))
        {
            Check("Processed.Submit", 42, await pool.Submit(static (int n) => n * 2, 21));
            var add = pool.Wrap(static (int a, int b) => a * 10 + b);
            Check("Processed.Wrap with two arguments", 42, await add(4, 2));
            var square = pool.WrapCancellable(static (int n) => n * n);
            Check("Processed.WrapCancellable", 49, await square(7, CancellationToken.None));

            // A running call whose token is cancelled: its worker process is killed and the pool starts another.
            var blocking = pool.WrapCancellable(static (string file) => BlockUntilExists(file));
            using var cancel = new CancellationTokenSource();
            var call = blocking(Path.Combine(folder, "never"), cancel.Token);
            var worker = await ReadPidAsync(Path.Combine(folder, "never.pid"));
            cancel.Cancel();
            Check("a cancelled Processed call", "OperationCanceledException", await OutcomeAsync(call));
            Check("the cancelled call's worker is gone", true, await GoneAsync(worker));
            var next = await pool.Submit(static (int _) => Environment.ProcessId, 0, CancellationToken.None);
            Check("the next call runs on a new worker", true, next != worker);

            Refused("Processed.Submit of a lambda with captured state", "function", () => pool.Submit((int n) => n + offset, 1));
            Refused("Processed.Wrap of a two-argument lambda with captured state", "function", () => pool.Wrap((int a, int b) => a + b + offset));
            Refused("Processed.WrapCancellable of a lambda with captured state", "function", () => pool.WrapCancellable((int n) => n + offset));
        }

        var shared = Futures.Processed(static (int a, int b) => a + b);
        Check("Futures.Processed with two arguments", 7, await shared(3, 4));
        Refused("Futures.Processed of a two-argument lambda with captured state", "function", () => Futures.Processed((int a, int b) => a + b + offset));

        // Forked with the default bound (one child per processor), then cancelled while its children run.
        await Futures.Forked(
            Enumerable.Range(0, 3).Select(i => new ForkJob(folder, i)),
            static job => File.WriteAllText(Path.Combine(job.Path, $"forked-{job.Index}"), ""));
        Check("Forked with the default bound", 3, Directory.GetFiles(folder, "forked-*").Length);
        using (var stop = new CancellationTokenSource())
        {
            var run = Futures.Forked(
                Enumerable.Range(0, 6).Select(i => new ForkJob(folder, i)),
                static job => BlockUntilExists(Path.Combine(job.Path, $"child-{job.Index}")),
                maxWorkers: 2,
                cancellationToken: stop.Token);
            var children = new[] { await ReadPidAsync(Path.Combine(folder, "child-0.pid")), await ReadPidAsync(Path.Combine(folder, "child-1.pid")) };
            stop.Cancel();
            Check("a cancelled Forked", "OperationCanceledException", await OutcomeAsync(run));
            Check("the running children are gone when Forked ends", true, children.All(pid => !IsAlive(pid)));
            Check("no further child started", 2, Directory.GetFiles(folder, "child-*.pid").Length);
        }
        Refused("Forked with a body with captured state", "body", () => Futures.Forked([1], (int n) => Console.Error.WriteLine(n + offset), 1));

        // Waiting linked to an outer token: the scope's token is cancelled, and the scope ends cancelled once
        // every task has finished.
        using (var outer = new CancellationTokenSource())
        {
            var stubborn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var scope = Futures.Waiting(outer.Token, stubborn.Task);
            var sibling = scope.Start(async token =>
            {
                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                return 0;
            });
            var leaving = scope.WaitAsync();
            outer.Cancel();
            Check("the outer token cancels the scope's token", "OperationCanceledException", await OutcomeAsync(sibling));
            Check("the scope waits for every task", false, leaving.IsCompleted);
            stubborn.SetResult(1);
            Check("Waiting with an outer token", "OperationCanceledException", await OutcomeAsync(leaving));
        }
        using (var outer = new CancellationTokenSource())
        {
            var block = Futures.Waiting<int>(scope =>
            {
                scope.Add(Task.FromResult(5));
                scope.Start(async token =>
                {
                    await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                    return 0;
                });
                return Task.CompletedTask;
            }, outer.Token);
            outer.Cancel();
            Check("Waiting with a block and an outer token", "OperationCanceledException", await OutcomeAsync(block));
        }
        using (var outer = new CancellationTokenSource())
        {
            var results = await Futures.Waiting<int>(scope =>
            {
                scope.Add(Task.FromResult(5));
                return Task.CompletedTask;
            }, outer.Token);
            Check("Waiting with an outer token that is not cancelled", "5", string.Join(",", results));
        }

        Directory.Delete(folder, recursive: true);
        return mismatches;
    }

    /// <summary>In a worker: writes this process's id beside the file, then waits until the file exists.</summary>
    private static string BlockUntilExists(string file)
    {
        File.WriteAllText(file + ".partial", $"{Environment.ProcessId}");
        File.Move(file + ".partial", file + ".pid");
        while (!File.Exists(file))
        {
            Thread.Sleep(10);
        }

        return file;
    }

    private static async Task<int> ReadPidAsync(string file)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{file} did not appear");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return int.Parse(await File.ReadAllTextAsync(file).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<bool> GoneAsync(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return false;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<string> OutcomeAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
            return "success";
        }
        catch (OperationCanceledException)
        {
            return "OperationCanceledException";
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }
}
