namespace Futured.Internal

open System
open System.Buffers.Binary
open System.IO
open System.Text

/// The framing spoken over a worker's private channel (two pipes, see WorkerHost). Every frame is
/// [length: int32][kind: byte][function id: int32][call number: int32][payload], little-endian, where
/// length counts the bytes after itself. A reply carries the function id and the call number of its call,
/// so the parent can tell a genuine reply from anything else in the pipe.
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

    /// Bytes of the header: length, kind, function id and call number.
    [<Literal>]
    let HeaderSize = 13

    /// The most bytes a frame may carry after its length field: 1 GiB. A larger length is not a frame
    /// (the reader never allocates for it); an argument or result whose JSON is larger faults its call.
    [<Literal>]
    let MaxFrameLength = 1073741824

    /// Fills the header at the start of a frame whose payload follows it.
    let writeHeader (frame: byte[]) (totalLength: int) (kind: byte) (id: int) (call: int) =
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 0, 4), totalLength - 4)
        frame[4] <- kind
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 5, 4), id)
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 9, 4), call)

    /// Sets the call number of a frame built earlier.
    let setCall (frame: byte[]) (call: int) =
        BinaryPrimitives.WriteInt32LittleEndian(Span(frame, 9, 4), call)

    /// The length field of a header: the bytes after it.
    let frameLength (header: ReadOnlySpan<byte>) =
        BinaryPrimitives.ReadInt32LittleEndian(header.Slice(0, 4))

    /// The function id of a header.
    let functionId (header: ReadOnlySpan<byte>) =
        BinaryPrimitives.ReadInt32LittleEndian(header.Slice(5, 4))

    /// The call number of a header.
    let callNumber (header: ReadOnlySpan<byte>) =
        BinaryPrimitives.ReadInt32LittleEndian(header.Slice(9, 4))

    /// The payload length a header announces, when its length field is within bounds.
    let payloadLength (header: ReadOnlySpan<byte>) : int voption =
        let length = frameLength header

        if length < HeaderSize - 4 || length > MaxFrameLength then
            ValueNone
        else
            ValueSome(length - (HeaderSize - 4))

    /// Checks the header of a reply against the call it answers: None when it is that call's reply (its
    /// payload length is then payloadLength), otherwise why it is not.
    let replyProblem (header: ReadOnlySpan<byte>) (expectedId: int) (expectedCall: int) : string voption =
        let kind = header[4]

        if (payloadLength header).IsNone then
            ValueSome
                $"a frame length of {frameLength header} bytes, outside {HeaderSize - 4} to {MaxFrameLength} (the cap of a frame)"
        elif kind <> Result && kind <> Error && kind <> SerializationError then
            ValueSome $"a frame of unknown kind {kind}"
        elif functionId header <> expectedId || callNumber header <> expectedCall then
            ValueSome
                $"a reply for function {functionId header}, call {callNumber header}, where function {expectedId}, call {expectedCall} was expected"
        else
            ValueNone

    /// A frame whose payload is UTF-8 text.
    let textFrame (kind: byte) (id: int) (call: int) (text: string) : byte[] =
        let payload = Encoding.UTF8.GetByteCount text
        let frame = Array.zeroCreate (HeaderSize + payload)
        Encoding.UTF8.GetBytes(text, 0, text.Length, frame, HeaderSize) |> ignore
        writeHeader frame frame.Length kind id call
        frame

    /// The error for a value whose JSON does not fit in a frame.
    let tooLarge (what: string) (t: Type) (bytes: int64) =
        NotSupportedException(
            $"The {what} of type '{t}' serialises to {bytes} bytes of JSON, more than the {MaxFrameLength} bytes a frame between processes may carry."
        )

    /// A call frame: the argument serialised as JSON after the header (its call number is set when sent).
    let callFrame<'a> (id: int) (argument: 'a) : byte[] =
        use buffer = new MemoryStream()
        buffer.Position <- int64 HeaderSize

        try
            Text.Json.JsonSerializer.Serialize<'a>(buffer, argument, Json.options)
        with e ->
            raise (SerializationFailure e)

        if buffer.Length - 4L > int64 MaxFrameLength then
            raise (SerializationFailure(tooLarge "argument" typeof<'a> (buffer.Length - int64 HeaderSize)))

        let frame = buffer.ToArray()
        writeHeader frame frame.Length Call id 0
        frame

    /// The three parts of an error payload. Guarded: an exception whose Message or StackTrace getter
    /// throws is still reported, by its type, with a message saying what could not be read.
    let errorText (e: exn) =
        let typeName = e.GetType().FullName

        let message =
            try
                e.Message
            with inner ->
                $"(the exception's Message could not be read: its getter raised {inner.GetType().FullName})"

        let stack =
            try
                string e.StackTrace
            with _ ->
                ""

        String.Join('\000', typeName, message, stack)

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
