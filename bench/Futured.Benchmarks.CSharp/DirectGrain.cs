using Orleans;

namespace Futured.Benchmarks;

/// <summary>The baseline of the distributed benchmarks: a plain grain call with the same argument and result.</summary>
[Alias("Futured.Benchmarks.IDirectGrain")]
public interface IDirectGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the argument plus one.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>x + 1.</returns>
    [Alias("Increment")]
    Task<int> Increment(int x);
}

/// <summary>The grain behind <see cref="IDirectGrain"/>.</summary>
public sealed class DirectGrain : Grain, IDirectGrain
{
    /// <inheritdoc />
    public Task<int> Increment(int x) => Task.FromResult(x + 1);
}
