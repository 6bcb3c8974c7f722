namespace Futured.Internal

open System
open System.Buffers.Binary
open System.IO
open System.Text

/// The framing spoken over a worker's standard input and output. Every frame is
/// [length: int32][kind: byte][function id: int32][payload], little-endian, where length counts
/// the bytes after itself.
module internal Protocol =

    /// Parent to worker: the description of a function (UTF-8 text), registered under its id.
    [<Literal>]
    let Define = 1uy

    /// Parent to worker: call the function with this JSON argument.
    [<Literal>]
    let Call = 2uy

    /// Worker to parent: the JSON result of the call.
    [<Literal>]
    let Result = 3uy

    /// Worker to parent: the call raised (type, message, stack trace separated by NUL).
    [<Literal>]
    let Error = 4uy

    /// Worker to parent: the argument or the result could not be (de)serialised (the serializer's message).
    [<Literal>]
    let SerializationError = 5uy

    /// Bytes of the header: length, kind and function id.
    [<Literal>]
    let HeaderSize = 9

    /// Fills the header at the start of a frame whose payload follows it.
    let writeHeader (frame: byte[]) (totalLength: int) (kind: byte) (id: int) =
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 0, 4), totalLength - 4)
        frame[4] <- kind
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 5, 4), id)

    /// A frame whose payload is UTF-8 text.
    let textFrame (kind: byte) (id: int) (text: string) : byte[] =
        let payload = Encoding.UTF8.GetByteCount text
        let frame = Array.zeroCreate (HeaderSize + payload)
        Encoding.UTF8.GetBytes(text, 0, text.Length, frame, HeaderSize) |> ignore
        writeHeader frame frame.Length kind id
        frame

    /// A call frame: the argument serialised as JSON after the header.
    let callFrame<'a> (id: int) (argument: 'a) : byte[] =
        use buffer = new MemoryStream()
        buffer.Position <- int64 HeaderSize

        try
            Text.Json.JsonSerializer.Serialize<'a>(buffer, argument, Json.options)
        with e ->
            raise (SerializationFailure e)

        let frame = buffer.ToArray()
        writeHeader frame frame.Length Call id
        frame

    /// The three parts of an error payload.
    let errorText (e: exn) =
        String.Join('\000', e.GetType().FullName, e.Message, string e.StackTrace)

    /// Splits an error payload into type name, message and stack trace.
    let parseError (text: string) =
        match text.Split('\000', 3) with
        | [| t; m; s |] -> t, m, s
        | parts -> "unknown", String.Join(" ", parts), ""

    /// Reads exactly buffer.Length bytes; false when the stream ended before the first byte.
    let readExactly (stream: Stream) (buffer: Span<byte>) : bool =
        let first = stream.Read(buffer)

        if first = 0 then
            false
        else
            if first < buffer.Length then
                stream.ReadExactly(buffer.Slice first)

            true
