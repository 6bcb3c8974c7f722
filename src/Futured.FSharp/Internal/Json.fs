namespace Futured.Internal

open System.Text.Json
open System.Text.Json.Serialization

/// The serializer settings shared by both ends of a worker channel.
module internal Json =

    /// System.Text.Json with FSharp.SystemTextJson, so that F# records, unions, options and tuples round-trip.
    let options =
        let o = JsonSerializerOptions()
        o.Converters.Add(JsonFSharpConverter())
        o

/// A serializer failure on either side of the channel, kept apart from the exceptions of user code.
type internal SerializationFailure(inner: exn) =
    inherit exn(inner.Message, inner)
