namespace Futured.Internal

open System
open System.Collections.Concurrent
open System.IO
open System.Text
open System.Text.Json
open System.Threading

/// The worker-process call, cut at the transport: which functions may cross and how they are named
/// (Callable), how values cross (Json, with the crossing rule) and how a call's outcome is told back
/// (a Protocol reply kind and payload). Another transport, such as the Orleans silos of Futured.Orleans,
/// carries these bytes instead of a worker's pipes, so that both follow the same rules and messages.
module internal RemoteCall =

    /// The reply kind of a call that returned: the payload is its JSON result.
    [<Literal>]
    let Result = Protocol.Result

    /// The description of an F# function that may cross, or ArgumentException (naming paramName) when it may not.
    let ofFunction (paramName: string) (f: 'a -> 'b) : string =
        (Callable.ofFunction paramName f).Description

    /// The description of a delegate that may cross, or ArgumentException (naming paramName) when it may not.
    let ofDelegate (paramName: string) (f: Delegate) : string =
        (Callable.ofDelegate paramName f).Description

    /// Checks that values of a type can cross exactly; raises NotSupportedException naming the type otherwise.
    let validate (t: Type) = Json.validate t

    /// A value as the JSON bytes that cross; raises the serializer's exception (NotSupportedException naming
    /// the type for a value that would not round-trip).
    let serialize<'a> (value: 'a) : byte[] =
        try
            JsonSerializer.SerializeToUtf8Bytes<'a>(value, Json.options)
        with :? SerializationFailure as e ->
            raise e.InnerException

    /// The result of a call from its reply: the value, or the RemoteException (type, message, remote stack)
    /// the call raised where it ran, or the serializer's exception.
    let decode<'b> (kind: byte) (payload: byte[]) : 'b =
        match
            Replies.decode<'b>
                {
                    Kind = kind
                    Payload = ArraySegment payload
                }
        with
        | Ok value -> value
        | Error e -> raise e

    let private invokers = ConcurrentDictionary<string, Result<Invoker, exn>>()

    let private errorPayload (e: exn) =
        Encoding.UTF8.GetBytes(Protocol.errorText e)

    /// Runs the function a description stands for on a JSON argument, where the call arrived: loads the
    /// function once per description, passes the token to a function that takes one, and returns the reply
    /// kind and payload (the JSON result, or the error a worker process would report).
    let invoke
        (description: string)
        (argument: byte[])
        (cancellationToken: CancellationToken)
        : struct (byte * byte[]) =
        let loaded =
            invokers.GetOrAdd(
                description,
                fun d ->
                    try
                        Ok(Callable.load d)
                    with e ->
                        Error e
            )

        match loaded with
        | Error e -> struct (Protocol.Error, errorPayload e)
        | Ok invoker ->
            use output = new MemoryStream()

            try
                invoker.InvokeWith(ReadOnlyMemory argument, output, cancellationToken)
                struct (Protocol.Result, output.ToArray())
            with
            | :? SerializationFailure as e -> struct (Protocol.SerializationError, errorPayload e.InnerException)
            | e -> struct (Protocol.Error, errorPayload e)
