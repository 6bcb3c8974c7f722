namespace Futured

open System
open System.Threading
open Futured.Internal

[<RequireQualifiedAccess>]
type Order =
    | InOrder
    | AsCompleted

type MapOptions =
    {
        Order: Order option
        Timeout: TimeSpan option
        MaxConcurrency: int option
        CancellationToken: CancellationToken
    }

    static member Default =
        {
            Order = None
            Timeout = None
            MaxConcurrency = None
            CancellationToken = CancellationToken.None
        }

module internal MapOptions =
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
