namespace Futured

open System
open System.Threading
open Futured.Internal

/// The order in which a streaming function yields results.
[<RequireQualifiedAccess>]
type Order =
    /// In the order of the input, each result as soon as it and every earlier one are done.
    | InOrder
    /// In the order the calls complete.
    | AsCompleted

/// <summary>
/// Options of the map family. Start from <see cref="P:Futured.MapOptions.Default"/> and copy with
/// <c>{ MapOptions.Default with MaxConcurrency = Some 8 }</c>.
/// </summary>
type MapOptions =
    {
        /// The order of results; None keeps the function's own default (in order for <c>map</c> and
        /// <c>starmap</c>, as completed for <c>mapZip</c> and <c>items</c>).
        Order: Order option
        /// A total deadline whose clock starts at the first MoveNextAsync: when it passes with calls
        /// still pending, every result already available is yielded and then MoveNextAsync throws
        /// TimeoutException. None or Some Timeout.InfiniteTimeSpan means no deadline; any other negative value,
        /// or one beyond the runtime's timer limit of about 49.7 days (such as TimeSpan.MaxValue), is refused
        /// when the stream is made, with ArgumentOutOfRangeException naming options and this option.
        Timeout: TimeSpan option
        /// With Some n, the input is consumed lazily with at most n calls started but not yet
        /// yielded, so the consumer sets the pace and an endless input works. With None every
        /// call starts as soon as the enumeration starts, as in the original.
        MaxConcurrency: int option
        /// Stops the enumeration: no further call starts and MoveNextAsync throws
        /// OperationCanceledException. Calls already started are not interrupted; an asynchronous input's
        /// pending MoveNextAsync is cancelled.
        CancellationToken: CancellationToken
    }

    /// In the function's own order, no deadline, no bound, no cancellation.
    static member Default =
        {
            Order = None
            Timeout = None
            MaxConcurrency = None
            CancellationToken = CancellationToken.None
        }

module internal MapOptions =
    /// Raises ArgumentOutOfRangeException naming options for a bound ≤ 0 or a timeout that Guard's rule rejects.
    let validate (options: MapOptions) =
        match options.MaxConcurrency with
        | Some n when n <= 0 ->
            raise (ArgumentOutOfRangeException("options", n, "MapOptions.MaxConcurrency must be greater than zero."))
        | _ -> ()

        match options.Timeout with
        | Some t ->
            match Guard.timeoutMessage "MapOptions.Timeout" t with
            | null -> ()
            | message -> raise (ArgumentOutOfRangeException("options", t, message))
        | None -> ()
