namespace Futured

open System
open System.Threading

/// <summary>The order in which a streaming function yields results.</summary>
[<RequireQualifiedAccess>]
type Order =
    /// <summary>In the order of the input, each result as soon as it and every earlier one are done.</summary>
    | InOrder
    /// <summary>In the order the calls complete.</summary>
    | AsCompleted

/// <summary>
/// Options of the map family. Start from <see cref="P:Futured.MapOptions.Default"/> and copy with
/// <c>{ MapOptions.Default with MaxConcurrency = Some 8 }</c>. Every function that takes options checks them when
/// the stream is made.
/// </summary>
/// <exception cref="T:System.ArgumentOutOfRangeException">Raised by the function given the options, naming
/// <c>options</c>, when <c>MaxConcurrency</c> is <c>Some n</c> with n ≤ 0, or <c>Timeout</c> is negative (other than
/// <c>Timeout.InfiniteTimeSpan</c>) or beyond the runtime's timer limit of about 49.7 days.</exception>
type MapOptions =
    {
        /// <summary>The order of results; None keeps the function's own default (in order for <c>map</c> and
        /// <c>starmap</c>, as completed for <c>mapZip</c> and <c>items</c>).</summary>
        Order: Order option
        /// <summary>A total deadline whose clock starts at the first MoveNextAsync: when it passes with calls
        /// still pending, every result already available is yielded and then MoveNextAsync throws
        /// TimeoutException. None or Some Timeout.InfiniteTimeSpan means no deadline; any other negative value,
        /// or one beyond the runtime's timer limit of about 49.7 days (such as TimeSpan.MaxValue), is refused
        /// when the stream is made, with ArgumentOutOfRangeException naming options and this option.</summary>
        Timeout: TimeSpan option
        /// <summary>With Some n, the input is consumed lazily with at most n calls started but not yet
        /// yielded, so the consumer sets the pace and an endless input works. With None every
        /// call starts as soon as the enumeration starts, as in the original. Some n with n ≤ 0 is refused when
        /// the stream is made, with ArgumentOutOfRangeException naming options.</summary>
        MaxConcurrency: int option
        /// <summary>Stops the enumeration: no further call starts and MoveNextAsync throws
        /// OperationCanceledException. An asynchronous input's pending MoveNextAsync is cancelled; calls already
        /// started are cancelled where they run when the function takes a token (<c>mapCancellable</c> and the other
        /// <c>Cancellable</c> forms), and are not interrupted otherwise.</summary>
        CancellationToken: CancellationToken
    }

    /// <summary>In the function's own order, no deadline, no bound, no cancellation.</summary>
    /// <returns>The default options.</returns>
    static member Default: MapOptions

/// The checks of the options, shared by every function that takes them.
module internal MapOptions =
    /// <summary>Checks options before a stream is made.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">Naming <c>options</c>, for a bound ≤ 0 or a timeout
    /// that Guard's rule rejects.</exception>
    val validate: options: MapOptions -> unit
