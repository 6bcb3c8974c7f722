namespace Futured.Internal

open System
open System.IO
open System.Text
open System.Text.Json
open Futured

/// What came back from one call.
[<Struct; NoComparison; NoEquality>]
type internal Reply =
    {
        Kind: byte
        Payload: ArraySegment<byte>
    }

/// The worker sent something that is not the reply to the call: the channel cannot be trusted any more.
[<AllowNullLiteral>]
type internal CorruptFrameException(why: string) =
    inherit IOException($"The worker process sent {why}.")

    member _.Why = why

/// Turning a call into its frame, and a reply into its result or the exception it stands for.
module internal Replies =

    /// The exception a worker's error payload stands for.
    let remote (payload: ArraySegment<byte>) : exn =
        let typeName, message, stack =
            Protocol.parseError (Encoding.UTF8.GetString(payload.Array, payload.Offset, payload.Count))

        RemoteException(typeName, message, stack)

    /// The result of a call, or the exception that faults it.
    let decode<'b> (reply: Reply) : Result<'b, exn> =
        if reply.Kind = Protocol.Result then
            try
                Ok(
                    JsonSerializer.Deserialize<'b>(
                        ReadOnlySpan(reply.Payload.Array, reply.Payload.Offset, reply.Payload.Count),
                        Json.options
                    )
                )
            with e ->
                Error e
        else
            Error(remote reply.Payload)

    /// The call frame for an argument, or the serializer's own exception; checks first that results of
    /// type 'b can cross, so that a call whose result would be refused never runs.
    let frame<'a, 'b> (target: Target) (argument: 'a) : Result<byte[], exn> =
        try
            Json.validate typeof<'b>
            Ok(Protocol.callFrame target.Id argument)
        with
        | :? SerializationFailure as e -> Error e.InnerException
        | e -> Error e
