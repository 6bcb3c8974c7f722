namespace Futured.Benchmarks.CSharp;

/// <summary>The C# side of the benchmarks: async iterators and <c>await foreach</c>, the baselines of
/// <c>for</c> over an <see cref="IAsyncEnumerable{T}"/> in <c>futured { }</c>.</summary>
public static class AsyncStreams
{
    /// <summary>The integers 0 .. count-1 from a C# async iterator that never suspends.</summary>
    /// <param name="count">How many integers.</param>
    /// <returns>The sequence.</returns>
    public static async IAsyncEnumerable<int> Range(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        await Task.CompletedTask;
    }

    /// <summary>The integers 0 .. count-1 from a C# async iterator that yields the thread after each item.</summary>
    /// <param name="count">How many integers.</param>
    /// <returns>The sequence.</returns>
    public static async IAsyncEnumerable<int> YieldingRange(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    /// <summary>Sums a sequence with <c>await foreach</c>.</summary>
    /// <param name="source">The sequence.</param>
    /// <returns>The sum.</returns>
    public static async Task<long> SumAsync(IAsyncEnumerable<int> source)
    {
        long sum = 0;
        await foreach (var x in source)
        {
            sum += x;
        }

        return sum;
    }
}
