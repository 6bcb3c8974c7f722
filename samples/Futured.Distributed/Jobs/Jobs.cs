using System.Diagnostics;

namespace DistributedSample;

/// <summary>
/// The functions the sample runs on the cluster. The silo program and the client program both reference this
/// library: a silo runs the same application assemblies as its clients and loads each function by name.
/// </summary>
public static class Jobs
{
    /// <summary>Counts the primes below a limit: CPU-bound work.</summary>
    /// <param name="limit">The exclusive upper bound.</param>
    /// <returns>How many primes are below it.</returns>
    public static int CountPrimes(int limit)
    {
        var count = 0;
        for (var n = 2; n < limit; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n; d++)
            {
                if (n % d == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Where a call ran: the silo's address and the process id.</summary>
    /// <param name="value">Any value; it is returned alongside.</param>
    /// <returns>The value, the silo and the process.</returns>
    public static Placement Where(int value) => new(value, Futured.Distributed.CurrentSilo ?? "", Environment.ProcessId);

    /// <summary>
    /// CPU-bound work that goes on until a file exists: writes <c>started-{index}-{pid}</c> into the folder, then
    /// counts primes in rounds until <c>release</c> appears there, or a minute has passed. The repository's
    /// multi-process test uses it to kill a silo while calls run on it.
    /// </summary>
    /// <param name="order">The folder and the call's index.</param>
    /// <returns>Where the call ran.</returns>
    public static Placement SpinUntilReleased(SpinOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        File.WriteAllText(Path.Combine(order.Folder, $"started-{order.Index}-{Environment.ProcessId}"), "");
        var release = Path.Combine(order.Folder, "release");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(release) && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            CountPrimes(20_000);
        }

        return Where(order.Index);
    }
}

/// <summary>Where a call ran.</summary>
/// <param name="Value">The value the call was given.</param>
/// <param name="Silo">The address of the silo that ran it.</param>
/// <param name="ProcessId">The id of the silo's process.</param>
public sealed record Placement(int Value, string Silo, int ProcessId);

/// <summary>The order of <see cref="Jobs.SpinUntilReleased"/>.</summary>
/// <param name="Folder">The folder where the call writes its start and looks for its release.</param>
/// <param name="Index">The call's index.</param>
public sealed record SpinOrder(string Folder, int Index);
