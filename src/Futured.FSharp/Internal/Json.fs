namespace Futured.Internal

open System
open System.Collections.Generic
open System.Reflection
open System.Text.Json
open System.Text.Json.Serialization
open System.Text.Json.Serialization.Metadata
open Microsoft.FSharp.Reflection

/// A serializer failure on either side of the channel, kept apart from the exceptions of user code.
type internal SerializationFailure(inner: exn) =
    inherit exn(inner.Message, inner)

/// The rule that decides which types cross between processes: a value either round-trips exactly or
/// the call faults naming the type (see the remarks on Processed).
module internal Crossing =

    /// The exception that refuses a type.
    let refuse (t: Type) (why: string) : exn =
        NotSupportedException($"The type '{t}' cannot cross between processes exactly: {why}")

    /// Where an unpaired surrogate is in a string, or -1.
    let unpairedSurrogate (text: string) =
        let mutable i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF')
        let mutable found = -1

        while i >= 0 && i < text.Length && found < 0 do
            let c = text[i]

            if Char.IsHighSurrogate c && i + 1 < text.Length && Char.IsLowSurrogate text[i + 1] then
                i <- i + 2
            elif Char.IsSurrogate c then
                found <- i
            else
                i <- i + 1

        found

    let checkText (text: string) =
        if not (isNull text) then
            let at = unpairedSurrogate text

            if at >= 0 then
                raise (
                    refuse
                        typeof<string>
                        $"the value holds an unpaired surrogate (U+{int text[at]:X4} at index {at}), which JSON text cannot carry."
                )

    let private isStack (t: Type) =
        t = typeof<Collections.Stack>
        || t.IsGenericType
           && (t.GetGenericTypeDefinition() = typedefof<Stack<_>>
               || t.GetGenericTypeDefinition() = typedefof<Collections.Concurrent.ConcurrentStack<_>>)

    let rec private instanceFields (t: Type) : FieldInfo list =
        if isNull t || t = typeof<obj> || t = typeof<ValueType> then
            []
        else
            List.ofArray (
                t.GetFields(
                    BindingFlags.Instance
                    ||| BindingFlags.Public
                    ||| BindingFlags.NonPublic
                    ||| BindingFlags.DeclaredOnly
                )
            )
            @ instanceFields t.BaseType

    /// The member a compiler-generated or conventional backing field stands for: "<X>k__BackingField"
    /// (C#), "X@" (F#), "_x" or "x" (a field behind a property X).
    let private backedName (field: string) =
        let name =
            if field.StartsWith '<' && field.Contains ">k__BackingField" then
                field.Substring(1, field.IndexOf '>' - 1)
            else
                field.TrimEnd('@').TrimStart('_')

        name.ToLowerInvariant()

    /// The types inside a type that a converter serialises (FSharp.SystemTextJson's records, unions and
    /// tuples, this module's maps, Nullable, KeyValuePair): the fields of F# records and union cases, and the
    /// type arguments of any other generic type.
    let private convertedParts (t: Type) : Type seq =
        if FSharpType.IsRecord(t, true) then
            FSharpType.GetRecordFields(t, true) |> Seq.map (fun p -> p.PropertyType)
        elif FSharpType.IsUnion(t, true) then
            FSharpType.GetUnionCases(t, true)
            |> Seq.collect (fun c -> c.GetFields())
            |> Seq.map (fun p -> p.PropertyType)
        elif FSharpType.IsTuple t then
            FSharpType.GetTupleElements t
        elif t.IsGenericType then
            t.GetGenericArguments()
        else
            Seq.empty

    /// The types whose contracts are being built on this thread (a recursive type refers to itself).
    let private building = new Threading.ThreadLocal<HashSet<Type>>(fun () -> HashSet())

    let private checkObject (info: JsonTypeInfo) =
        let t = info.Type
        // A type with [JsonPolymorphic]/[JsonDerivedType] crosses with a type discriminator; each derived type
        // it names is checked when its own contract is built.
        let polymorphic = not (isNull info.PolymorphismOptions)

        if (t.IsInterface || t.IsAbstract) && not polymorphic then
            raise (
                refuse
                    t
                    ((if t.IsInterface then
                          "it is an interface"
                      else
                          "it is abstract")
                     + ", so the receiving side cannot tell which class to create. Declare a concrete type.")
            )

        if not t.IsInterface && not t.IsAbstract then
            if isNull info.CreateObject && isNull info.ConstructorAttributeProvider then
                raise (
                    refuse
                        t
                        "it has no public constructor the serializer can use (a parameterless one, or one whose parameters match its members)."
                )

            for p in info.Properties do
                if not (isNull p.Get) && isNull p.Set && isNull p.AssociatedParameter then
                    raise (
                        refuse
                            t
                            $"its member '{p.Name}' can be read but not set back (no public setter, and no constructor parameter of that name), so its value would be lost."
                    )

            let known =
                HashSet<string>(
                    seq {
                        for p in t.GetProperties(BindingFlags.Instance ||| BindingFlags.Public) ->
                            p.Name.ToLowerInvariant()

                        for f in t.GetFields(BindingFlags.Instance ||| BindingFlags.Public) -> f.Name.ToLowerInvariant()
                    }
                )

            for f in instanceFields t do
                if not f.IsPublic && not (known.Contains(backedName f.Name)) then
                    raise (
                        refuse
                            t
                            $"its non-public field '{f.Name}' is not serialised, so its value would be lost. Make the state public (a property with a setter, a public field, or a constructor parameter) or send a record."
                    )

            // A subclass of a class that is not sealed would cross as the declared class only.
            if not t.IsSealed && not t.IsValueType && not polymorphic then
                info.OnSerializing <-
                    fun value ->
                        if not (isNull value) && value.GetType() <> t then
                            raise (
                                refuse
                                    (value.GetType())
                                    $"the value was sent where '{t}' is declared, and only the members of '{t}' would cross. Declare the type that is sent."
                            )

    /// Checks a contract when the serializer builds it (once per type); raises NotSupportedException naming
    /// the type when its values would not round-trip exactly. The types inside it are checked at once.
    let check (info: JsonTypeInfo) =
        let t = info.Type

        if t = typeof<obj> then
            raise (
                refuse
                    t
                    "a value declared as obj arrives as a JsonElement, not as the value that was sent. Declare the type that is sent."
            )

        if typeof<Delegate>.IsAssignableFrom t then
            raise (refuse t "a function or delegate is code, not data.")

        if isStack t then
            raise (refuse t "a stack would arrive in reverse order. Send an array or a list.")

        // unit has a single value, null, which crosses as null.
        if info.Kind = JsonTypeInfoKind.Object && t <> typeof<unit> then
            checkObject info

        let parts =
            match info.Kind with
            | JsonTypeInfoKind.Object -> info.Properties |> Seq.map (fun p -> p.PropertyType) |> List.ofSeq
            | JsonTypeInfoKind.Enumerable -> [ info.ElementType ]
            | JsonTypeInfoKind.Dictionary -> [ info.KeyType; info.ElementType ]
            | _ -> List.ofSeq (convertedParts t)

        let building = building.Value

        if building.Add t then
            try
                for part in parts do
                    if not (isNull part) && not (building.Contains part) then
                        info.Options.GetTypeInfo part |> ignore
            finally
                building.Remove t |> ignore

/// Strings cross only when JSON text can carry them exactly.
type internal StrictStringConverter() =
    inherit JsonConverter<string>()

    override _.Read(reader, _, _) = reader.GetString()

    override _.Write(writer, value, _) =
        Crossing.checkText value
        writer.WriteStringValue value

    override _.ReadAsPropertyName(reader, _, _) = reader.GetString()

    override _.WriteAsPropertyName(writer, value, _) =
        Crossing.checkText value
        writer.WritePropertyName value

/// A char crosses as a one-character string, unless it is half of a surrogate pair.
type internal StrictCharConverter() =
    inherit JsonConverter<char>()

    static member private Parse(text: string) =
        if isNull text || text.Length <> 1 then
            raise (JsonException "A char must be a string of one character.")

        text[0]

    static member private Check(value: char) =
        if Char.IsSurrogate value then
            raise (
                Crossing.refuse
                    typeof<char>
                    $"the value is half of a surrogate pair (U+{int value:X4}), which JSON text cannot carry."
            )

    override _.Read(reader, _, _) =
        StrictCharConverter.Parse(reader.GetString())

    override _.Write(writer, value, _) =
        StrictCharConverter.Check value
        writer.WriteStringValue(String(value, 1))

    override _.ReadAsPropertyName(reader, _, _) =
        StrictCharConverter.Parse(reader.GetString())

    override _.WriteAsPropertyName(writer, value, _) =
        StrictCharConverter.Check value
        writer.WritePropertyName(String(value, 1))

/// A DateTime crosses with its exact ticks and Kind: its clock time with seven fraction digits, then "Z"
/// for UTC, the zone's offset for local time (informative: the clock time is kept as written, so a local
/// time in a daylight-saving gap or overlap does not move), nothing when unspecified.
type internal ExactDateTimeConverter() =
    inherit JsonConverter<DateTime>()

    static let format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff"

    static member Text(value: DateTime) =
        let clock = value.ToString(format, Globalization.CultureInfo.InvariantCulture)

        match value.Kind with
        | DateTimeKind.Utc -> clock + "Z"
        | DateTimeKind.Local ->
            let offset = TimeZoneInfo.Local.GetUtcOffset value
            let sign = if offset < TimeSpan.Zero then "-" else "+"

            clock
            + sign
            + offset.Duration().ToString("hh\\:mm", Globalization.CultureInfo.InvariantCulture)
        | _ -> clock

    static member Parse(text: string) =
        if isNull text || text.Length < 27 then
            raise (JsonException "A DateTime must be written as yyyy-MM-ddTHH:mm:ss.fffffff and a zone.")

        let clock =
            DateTime.ParseExact(
                text.Substring(0, 27),
                format,
                Globalization.CultureInfo.InvariantCulture,
                Globalization.DateTimeStyles.None
            )

        let kind =
            match text.Substring 27 with
            | "" -> DateTimeKind.Unspecified
            | "Z" -> DateTimeKind.Utc
            | _ -> DateTimeKind.Local

        DateTime.SpecifyKind(clock, kind)

    override _.Read(reader, _, _) =
        ExactDateTimeConverter.Parse(reader.GetString())

    override _.Write(writer, value, _) =
        writer.WriteStringValue(ExactDateTimeConverter.Text value)

    override _.ReadAsPropertyName(reader, _, _) =
        ExactDateTimeConverter.Parse(reader.GetString())

    override _.WriteAsPropertyName(writer, value, _) =
        writer.WritePropertyName(ExactDateTimeConverter.Text value)

/// A decimal crosses with its scale (as System.Text.Json writes it) and with the sign of a zero, which
/// System.Text.Json drops when it writes (-0.00 would arrive as 0.00).
type internal ExactDecimalConverter() =
    inherit JsonConverter<decimal>()

    static member Text(value: decimal) =
        let text = value.ToString(Globalization.CultureInfo.InvariantCulture)

        if value = 0m && Decimal.IsNegative value && not (text.StartsWith '-') then
            "-" + text
        else
            text

    override _.Read(reader, _, _) = reader.GetDecimal()

    override _.Write(writer, value, _) =
        writer.WriteRawValue(ExactDecimalConverter.Text value, true)

    override _.ReadAsPropertyName(reader, _, _) =
        Decimal.Parse(reader.GetString(), Globalization.CultureInfo.InvariantCulture)

    override _.WriteAsPropertyName(writer, value, _) =
        writer.WritePropertyName(ExactDecimalConverter.Text value)

/// An F# map crosses as an array of [key, value] pairs, every key and value through the serializer.
type internal MapConverter<'k, 'v when 'k: comparison>() =
    inherit JsonConverter<Map<'k, 'v>>()

    override _.Read(reader, _, options) =
        if reader.TokenType <> JsonTokenType.StartArray then
            raise (JsonException "A map must be an array of [key, value] pairs.")

        let mutable map = Map.empty
        let mutable go = true

        while go do
            reader.Read() |> ignore

            if reader.TokenType = JsonTokenType.EndArray then
                go <- false
            else
                if reader.TokenType <> JsonTokenType.StartArray then
                    raise (JsonException "A map entry must be a [key, value] array.")

                reader.Read() |> ignore
                let key = JsonSerializer.Deserialize<'k>(&reader, options)
                reader.Read() |> ignore
                let value = JsonSerializer.Deserialize<'v>(&reader, options)
                reader.Read() |> ignore

                if reader.TokenType <> JsonTokenType.EndArray then
                    raise (JsonException "A map entry must be a [key, value] array.")

                map <- Map.add key value map

        map

    override _.Write(writer, map, options) =
        writer.WriteStartArray()

        for KeyValue(key, value) in map do
            writer.WriteStartArray()
            JsonSerializer.Serialize<'k>(writer, key, options)
            JsonSerializer.Serialize<'v>(writer, value, options)
            writer.WriteEndArray()

        writer.WriteEndArray()

/// Creates the MapConverter of each F# map type.
type internal MapConverterFactory() =
    inherit JsonConverterFactory()

    override _.CanConvert t =
        t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<Map<_, _>>

    override _.CreateConverter(t, _) =
        Activator.CreateInstance(typedefof<MapConverter<_, _>>.MakeGenericType(t.GetGenericArguments()))
        :?> JsonConverter

/// The serializer settings shared by both ends of a worker channel.
module internal Json =

    /// System.Text.Json with FSharp.SystemTextJson (records, unions, tuples; options as unions, so that
    /// Some None and Some null survive), public fields, NaN and ±Infinity, strict strings and chars, exact
    /// DateTime and decimal, maps as pairs, and the crossing rule checked on every contract.
    let options =
        let o = JsonSerializerOptions()
        o.IncludeFields <- true
        o.NumberHandling <- JsonNumberHandling.AllowNamedFloatingPointLiterals
        o.Converters.Add(StrictStringConverter())
        o.Converters.Add(StrictCharConverter())
        o.Converters.Add(ExactDateTimeConverter())
        o.Converters.Add(ExactDecimalConverter())
        o.Converters.Add(MapConverterFactory())

        o.Converters.Add(
            JsonFSharpConverter(JsonUnionEncoding.Default &&& ~~~JsonUnionEncoding.UnwrapOption, allowNullFields = true)
        )

        let resolver = DefaultJsonTypeInfoResolver()
        resolver.Modifiers.Add(Action<JsonTypeInfo> Crossing.check)
        o.TypeInfoResolver <- resolver
        o

    /// Checks, before a call is sent, that values of the type can cross (raising NotSupportedException
    /// naming the type otherwise).
    let validate (t: Type) = options.GetTypeInfo t |> ignore
