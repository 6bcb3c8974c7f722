using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Futured.Distribution;

/// <summary>
/// The placement of <see cref="Distributed"/>'s slots: slot n of an executor goes to the n-th silo (counted in address
/// order from an offset drawn from the executor's id), skipping silos the client reported as lost.
/// </summary>
/// <remarks>
/// <para>Why not the built-in choices. A <c>[StatelessWorker]</c> grain activates on the silo that receives the
/// call, which for a client is its gateway: every call would run there. Random placement leaves a silo without any
/// slot more often than not when there are few slots (with 3 silos and 6 slots, about one time in three), and
/// activation-count placement decides from statistics that silos publish every few seconds, so the slots of an
/// executor created at once all go to the silo that looked least loaded.</para>
/// <para>So an executor owns <c>maxConcurrency</c> slot grains, each running one call at a time; this director places
/// them by slot number over the silos, and the executor hands calls to its free slots in FIFO order. Every silo
/// receives slots as soon as there are at least as many slots as silos, and a stream of calls, even one at a time,
/// cycles through every slot and so every silo. The choice depends only on the slot's key and the silos, so it is the
/// same whichever gateway places the slot (a client spreads its messages over several gateways).</para>
/// <para>When a call is lost with its silo, the executor gives that slot a new generation (a new grain) and names
/// the lost silo in the request context, so the new activation goes to a silo that remains even before the cluster's
/// membership has declared the lost one dead.</para>
/// </remarks>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Futured.SpreadPlacement")]
internal sealed class SpreadPlacement : PlacementStrategy
{
    /// <summary>The request-context key under which a client names the silos to avoid (addresses separated by '|').</summary>
    public const string AvoidKey = "futured-avoid-silos";
}

/// <summary>Places a grain with <see cref="SpreadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SpreadPlacementAttribute : PlacementAttribute
{
    public SpreadPlacementAttribute()
        : base(new SpreadPlacement())
    {
    }
}

/// <summary>The director of <see cref="SpreadPlacement"/>: slot n of an executor goes to silo (n + offset) mod the
/// number of silos, in address order, the offset a hash of the executor's id; a grain key of another form goes to the
/// next silo in turn.</summary>
internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    private int turn = -1;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new SiloUnavailableException("No silo of the cluster can host a Futured slot: is AddFutured() called on the silos?");
        }

        var candidates = silos;
        if (target.RequestContextData is { } data
            && data.TryGetValue(SpreadPlacement.AvoidKey, out var value)
            && value is string avoid
            && avoid.Length > 0)
        {
            var lost = avoid.Split('|');
            var remaining = Array.FindAll(silos, silo => Array.IndexOf(lost, silo.ToString()) < 0);
            if (remaining.Length > 0)
            {
                candidates = remaining;
            }
        }

        Array.Sort(candidates, static (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        var position = SlotPosition(target.GrainIdentity.Key.ToString()) ?? (uint)Interlocked.Increment(ref turn);
        return Task.FromResult(candidates[(int)(position % (uint)candidates.Length)]);
    }

    /// <summary>For a slot key "executor/slot/generation", the slot number plus a hash of the executor's id, so that
    /// whichever gateway places a slot, consecutive slots of one executor land on consecutive silos.</summary>
    internal static uint? SlotPosition(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 3 || !uint.TryParse(parts[1], out var slot))
        {
            return null;
        }

        var hash = 2166136261u;
        foreach (var c in parts[0])
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked(slot + hash);
    }
}
