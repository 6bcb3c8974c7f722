using Microsoft.FSharp.Core;

namespace Futured;

/// <summary>Conversions between C# optional arguments and the F# core's options.</summary>
internal static class Options
{
    /// <summary>Builds the core's <see cref="MapOptions"/>, naming the C# parameter when a value is out of range.</summary>
    internal static MapOptions Create(
        Order? order,
        TimeSpan? timeout,
        int? maxConcurrency,
        CancellationToken cancellationToken,
        string timeoutName = "timeout",
        string maxConcurrencyName = "maxConcurrency")
    {
        // The core's one timeout rule, naming the C# parameter: Timeout.InfiniteTimeSpan is no deadline; any other
        // negative value, or one beyond the runtime's timer limit (about 49.7 days), is refused.
        if (timeout is { } t && Futured.Internal.Guard.timeoutMessage(timeoutName, t) is { } message)
        {
            throw new ArgumentOutOfRangeException(timeoutName, t, message);
        }

        if (maxConcurrency is { } n && n <= 0)
        {
            throw new ArgumentOutOfRangeException(maxConcurrencyName, n, $"{maxConcurrencyName} must be greater than zero.");
        }

        return new MapOptions(
            order is null ? FSharpOption<Order>.None : FSharpOption<Order>.Some(order),
            timeout is { } some ? FSharpOption<TimeSpan>.Some(some) : FSharpOption<TimeSpan>.None,
            maxConcurrency is { } bound ? FSharpOption<int>.Some(bound) : FSharpOption<int>.None,
            cancellationToken);
    }

    /// <summary>The F# optional-argument form of a token.</summary>
    internal static FSharpOption<CancellationToken> Some(CancellationToken cancellationToken) =>
        FSharpOption<CancellationToken>.Some(cancellationToken);
}
