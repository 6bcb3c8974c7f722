/// Values cross to a worker process and back exactly, or the call faults naming the type (DESIGN §3.7).
module Futured.Tests.ProcessedRoundTrip

open System
open System.Collections
open System.Collections.Generic
open System.IO
open System.Numerics
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open Microsoft.FSharp.Reflection
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable

/// A class with public fields, the shape C#'s `class FieldJob { public int Count; public string Name; }` has.
[<AllowNullLiteral>]
type FieldJob() =
    [<DefaultValue>]
    val mutable Count: int

    [<DefaultValue>]
    val mutable Name: string

/// A class with public properties that have setters, the shape of C# auto-properties.
[<AllowNullLiteral>]
type PropertyJob() =
    member val Count = 0 with get, set
    member val Tags: string list = [] with get, set

/// A recursive union.
type Shape =
    | Dot
    | Circle of radius: float
    | Rect of width: float * height: float
    | Group of name: string * Shape list

/// Every shape the contract promises, nested.
type Sample =
    {
        Number: float
        Single: float32
        Money: decimal
        When: DateTime
        At: DateTimeOffset
        Id: Guid
        Bytes: byte[]
        Text: string
        Maybe: int option
        Nested: string option option
        Pair: int * string
        Floats: float list
        Ints: int[]
        ByName: Map<string, float>
        ByNumber: Map<int, Shape>
        Tags: Set<string>
        Shape: Shape
        Fields: FieldJob
        Properties: PropertyJob
        Outcome: Result<decimal, string>
        Struct: struct (int * float)
        Lookup: Dictionary<string, DateTime>
    }

/// A class whose state is behind a private setter: it cannot be rebuilt from its JSON.
type PrivateSetter() =
    let mutable n = 0

    member _.N
        with get () = n
        and private set v = n <- v

    static member Make v =
        let p = PrivateSetter()
        p.N <- v
        p

type Animal() =
    member val Name = "" with get, set

type Dog() =
    inherit Animal()
    member val Barks = true with get, set

/// A class hierarchy declared to System.Text.Json, which then writes a type discriminator.
[<Text.Json.Serialization.JsonPolymorphic; Text.Json.Serialization.JsonDerivedType(typeof<Cat>, "cat")>]
type Pet() =
    member val Name = "" with get, set

and Cat() =
    inherit Pet()
    member val Lives = 9 with get, set

// The functions the workers run: top-level, so they carry no state.

let lives (pet: Pet) =
    match pet with
    | :? Cat as cat -> $"{cat.Name} {cat.Lives}"
    | _ -> $"{pet.Name} is not a cat"

let echo (samples: Sample[]) = samples

let describeJob (job: FieldJob) = $"{job.Count} {job.Name}"

let echoJob (job: FieldJob) = job

let squareRoot (x: float) = sqrt x

let specials (_: int) = [| nan; infinity; -infinity; -0.0 |]

let echoNested (x: string option option) = x

let readSetter (p: PrivateSetter) = p.N

let countStack (s: Stack<int>) = s.Count

let describe (o: obj) = string o

let nameOf (a: Animal) = a.Name

let length (s: string) = s.Length

let echoBig (b: BigInteger) = b

let call (f: Func<int, int>) = f.Invoke 1

let comparable (c: IComparable) = c.CompareTo null

/// Creates the file, then returns a value of a type that cannot cross.
let touchThenSetter (path: string) =
    File.WriteAllText(path, "ran")
    PrivateSetter.Make 3

/// Where two values differ, exactly: floats by their bits (any NaN equal to any NaN), decimals with their
/// scale, DateTime with its Kind, DateTimeOffset with its offset, everything else member by member. None
/// when they are the same.
let rec difference (path: string) (a: obj) (b: obj) : string option =
    let unless same =
        if same then
            None
        else
            Some $"{path}: sent {a}, received {b}"

    let all (parts: (string * obj * obj) seq) =
        parts |> Seq.tryPick (fun (name, x, y) -> difference $"{path}.{name}" x y)

    match a, b with
    | null, null -> None
    | null, _
    | _, null -> unless false
    | _ when a.GetType() <> b.GetType() -> Some $"{path}: sent a {a.GetType()}, received a {b.GetType()}"
    | (:? float as x), (:? float as y) ->
        unless (
            (Double.IsNaN x && Double.IsNaN y)
            || BitConverter.DoubleToInt64Bits x = BitConverter.DoubleToInt64Bits y
        )
    | (:? float32 as x), (:? float32 as y) ->
        unless (
            (Single.IsNaN x && Single.IsNaN y)
            || BitConverter.SingleToInt32Bits x = BitConverter.SingleToInt32Bits y
        )
    | (:? decimal as x), (:? decimal as y) -> unless (Decimal.GetBits x = Decimal.GetBits y)
    | (:? DateTime as x), (:? DateTime as y) -> unless (x.Ticks = y.Ticks && x.Kind = y.Kind)
    | (:? DateTimeOffset as x), (:? DateTimeOffset as y) -> unless (x.EqualsExact y)
    | (:? string as x), (:? string as y) -> unless (String.Equals(x, y, StringComparison.Ordinal))
    | _ when a.GetType().IsPrimitive || (a :? Guid) -> unless (a.Equals b)
    | (:? IEnumerable as x), (:? IEnumerable as y) ->
        let xs = Array.ofSeq (Seq.cast<obj> x)
        let ys = Array.ofSeq (Seq.cast<obj> y)

        if xs.Length <> ys.Length then
            Some $"{path}: sent {xs.Length} items, received {ys.Length}"
        else
            all (Seq.mapi2 (fun i x y -> string i, x, y) xs ys)
    | _ when FSharpType.IsRecord(a.GetType(), true) ->
        all (
            Seq.map3
                (fun (p: Reflection.PropertyInfo) x y -> p.Name, x, y)
                (FSharpType.GetRecordFields(a.GetType(), true))
                (FSharpValue.GetRecordFields(a, true))
                (FSharpValue.GetRecordFields(b, true))
        )
    | _ when FSharpType.IsTuple(a.GetType()) ->
        all (
            Seq.mapi2 (fun i x y -> $"Item{i + 1}", x, y) (FSharpValue.GetTupleFields a) (FSharpValue.GetTupleFields b)
        )
    | _ when FSharpType.IsUnion(a.GetType(), true) ->
        let caseA, fieldsA = FSharpValue.GetUnionFields(a, a.GetType(), true)
        let caseB, fieldsB = FSharpValue.GetUnionFields(b, b.GetType(), true)

        if caseA.Tag <> caseB.Tag then
            Some $"{path}: sent case {caseA.Name}, received {caseB.Name}"
        else
            all (Seq.mapi2 (fun i x y -> $"{caseA.Name}[{i}]", x, y) fieldsA fieldsB)
    | _ ->
        let t = a.GetType()

        all (
            seq {
                for f in t.GetFields() do
                    if not f.IsStatic then
                        f.Name, f.GetValue a, f.GetValue b

                for p in t.GetProperties() do
                    if p.GetIndexParameters().Length = 0 then
                        p.Name, p.GetValue a, p.GetValue b
            }
        )

/// Whether two values are the same exactly (see difference).
let exactly (a: obj) (b: obj) = (difference "" a b).IsNone

// Generators.

let private defaults = ArbMap.defaults

let private floats =
    Gen.frequency
        [
            6, ArbMap.generate<float> defaults
            1,
            Gen.elements
                [
                    nan
                    infinity
                    -infinity
                    -0.0
                    Double.Epsilon
                    Double.MaxValue
                    Double.MinValue
                ]
        ]

let private singles =
    Gen.frequency
        [
            6, ArbMap.generate<float32> defaults
            1, Gen.elements [ nanf; infinityf; -infinityf; -0.0f; Single.Epsilon; Single.MaxValue ]
        ]

let private decimals =
    Gen.frequency
        [
            6,
            gen {
                let! lo = ArbMap.generate<int> defaults
                let! mid = ArbMap.generate<int> defaults
                let! hi = Gen.choose (0, 1000)
                let! negative = ArbMap.generate<bool> defaults
                let! scale = Gen.choose (0, 28)
                return Decimal(lo, mid, hi, negative, byte scale)
            }
            1,
            Gen.elements
                [
                    Decimal(0, 0, 0, true, 2uy) // -0.00
                    Decimal(0, 0, 0, false, 28uy)
                    1.00m
                    Decimal.MaxValue
                    Decimal.MinValue
                ]
        ]

let private dateTimes =
    gen {
        // A day inside either end, so that converting a local time never leaves the range.
        let! ticks =
            Gen.choose64 (TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay)

        let! kind =
            Gen.elements [ DateTimeKind.Utc; DateTimeKind.Local; DateTimeKind.Unspecified ]

        return DateTime(ticks, kind)
    }

let private dateTimeOffsets =
    gen {
        let! ticks =
            Gen.choose64 (TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay)

        let! minutes = Gen.choose (-14 * 60, 14 * 60)
        return DateTimeOffset(ticks, TimeSpan.FromMinutes(float minutes))
    }

/// Text that JSON can carry: any string without an unpaired surrogate (those fault the call; see below).
let private texts =
    ArbMap.generate<string> defaults
    |> Gen.map (fun s ->
        if isNull s then
            s
        else
            String(s.ToCharArray() |> Array.map (fun c -> if Char.IsSurrogate c then 'x' else c)))

let private nonNullTexts = texts |> Gen.map (fun s -> if isNull s then "" else s)

let rec private shapes size : Gen<Shape> =
    if size <= 0 then
        Gen.oneof [ Gen.constant Dot; floats |> Gen.map Circle ]
    else
        Gen.oneof
            [
                Gen.constant Dot
                floats |> Gen.map Circle
                Gen.map2 (fun w h -> Rect(w, h)) floats floats
                Gen.map2 (fun n xs -> Group(n, xs)) texts (Gen.listOfLength 3 (shapes (size / 2)))
            ]

let private samples: Gen<Sample> =
    gen {
        let! number = floats
        let! single = singles
        let! money = decimals
        let! ``when`` = dateTimes
        let! at = dateTimeOffsets
        let! id = ArbMap.generate<Guid> defaults
        let! bytes = Gen.oneof [ Gen.constant null; ArbMap.generate<byte[]> defaults ]
        let! text = texts
        let! maybe = ArbMap.generate<int option> defaults
        let! nested = Gen.elements [ None; Some None; Some(Some null); Some(Some "x") ]
        let! pairNumber = ArbMap.generate<int> defaults
        let! pairText = texts
        let! floatList = Gen.listOf floats
        let! ints = ArbMap.generate<int[]> defaults
        let! byName = Gen.listOf (Gen.zip nonNullTexts floats) |> Gen.map Map.ofList

        let! byNumber =
            Gen.listOf (Gen.zip (ArbMap.generate<int> defaults) (Gen.sized shapes))
            |> Gen.map Map.ofList

        let! tags = Gen.listOf nonNullTexts |> Gen.map Set.ofList
        let! shape = Gen.sized shapes
        let! count = ArbMap.generate<int> defaults
        let! name = texts
        let! propertyTags = Gen.listOf nonNullTexts
        let! outcome = Gen.oneof [ decimals |> Gen.map Ok; texts |> Gen.map Error ]
        let! structNumber = ArbMap.generate<int> defaults
        let! structFloat = floats
        let! lookup = Gen.listOf (Gen.zip nonNullTexts dateTimes)

        return
            {
                Number = number
                Single = single
                Money = money
                When = ``when``
                At = at
                Id = id
                Bytes = bytes
                Text = text
                Maybe = maybe
                Nested = nested
                Pair = (pairNumber, pairText)
                Floats = floatList
                Ints = ints
                ByName = byName
                ByNumber = byNumber
                Tags = tags
                Shape = shape
                Fields = FieldJob(Count = count, Name = name)
                Properties = PropertyJob(Count = count, Tags = propertyTags)
                Outcome = outcome
                Struct = struct (structNumber, structFloat)
                Lookup = Dictionary(dict (List.distinctBy fst lookup))
            }
    }

/// One worker for every case of the round-trip property (it exits with the test process).
let private shared = lazy (new Processed(1))

/// Expects the call to fault with NotSupportedException whose message names every given text.
let refused (call: Task) (names: string list) : Task =
    task {
        let! e = call.WaitAsync generous |> throws<NotSupportedException>

        for name in names do
            Expect.stringContains e.Message name $"the message names {name}"
    }

[<Tests>]
let tests =
    testSequenced
    <| testList
        "processed round trip"
        [
            property
                "records, unions, options, tuples, lists, arrays, maps, sets, classes, special floats, decimals, dates, guids and bytes round-trip exactly through a worker"
                (Arb.fromGen (Gen.arrayOf samples |> Gen.resize 12))
                (fun batch ->
                    let back = await' ((shared.Value.Wrap echo batch).WaitAsync generous)

                    match difference "samples" batch back with
                    | None -> true
                    | Some where -> failtestf "the value came back different at %s" where)

            testTask "a class with public fields arrives with its values, and comes back with them"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let job = FieldJob(Count = 7, Name = "job")
                    let! seen = (pool.Wrap describeJob job).WaitAsync generous
                    Expect.equal seen "7 job" "the worker saw the fields"
                    let! back = (pool.Wrap echoJob job).WaitAsync generous
                    Expect.equal (back.Count, back.Name) (7, "job") "the fields came back"
                }

            testTask "NaN and infinities cross in both directions"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! root = (pool.Wrap squareRoot -1.0).WaitAsync generous
                    Expect.isTrue (Double.IsNaN root) "sqrt -1.0 comes back as NaN"
                    let! inf = (pool.Wrap squareRoot infinity).WaitAsync generous
                    Expect.equal inf infinity "infinity goes and comes back"
                    let! values = (pool.Wrap specials 0).WaitAsync generous
                    Expect.isTrue (exactly values [| nan; infinity; -infinity; -0.0 |]) "NaN, ±infinity and -0.0"
                }

            testTask "Some None and Some null stay what they are"
            <| fun () ->
                task {
                    use pool = new Processed(1)

                    for value in [ None; Some None; Some(Some null); Some(Some "x") ] do
                        let! back = (pool.Wrap echoNested value).WaitAsync generous
                        Expect.equal back value $"{value}"
                }

            testTask "a type with state the serializer cannot set back faults the call, naming the type and the member"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    do! refused (pool.Wrap readSetter (PrivateSetter.Make 5)) [ "PrivateSetter"; "'N'" ]
                }

            testTask "a result type that cannot cross faults the call before the function runs"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let marker = Path.Combine(tempDirectory (), "ran")
                    do! refused (pool.Wrap touchThenSetter marker) [ "PrivateSetter" ]
                    Expect.isFalse (File.Exists marker) "the function never ran"
                }

            testTask "a stack, which would arrive reversed, faults the call naming the type"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    do! refused (pool.Wrap countStack (Stack<int> [ 1; 2; 3 ])) [ "Stack" ]
                }

            testTask "a value declared as obj faults the call naming the type"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    do! refused (pool.Wrap describe (box 3)) [ "System.Object" ]
                }

            testTask "a subclass sent where its base class is declared faults the call naming both"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let dog = Dog(Name = "rex")
                    do! refused (pool.Wrap nameOf (dog :> Animal)) [ typeof<Dog>.FullName; typeof<Animal>.FullName ]
                    let! name = (pool.Wrap nameOf (Animal(Name = "cat"))).WaitAsync generous
                    Expect.equal name "cat" "the declared class itself crosses"
                }

            testTask "a class hierarchy declared with JsonDerivedType crosses with its subclasses"
            <| fun () ->
                task {
                    use pool = new Processed(1)

                    let! seen =
                        (pool.Wrap lives (Cat(Name = "tom", Lives = 7) :> Pet)).WaitAsync generous

                    Expect.equal seen "tom 7" "the worker got the subclass"
                }

            testTask "a string with an unpaired surrogate faults the call naming System.String"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let text = "a" + string (char 0xD800) + "b"
                    do! refused (pool.Wrap length text) [ "System.String"; "surrogate" ]
                    let! n = (pool.Wrap length "a\U0001F600b").WaitAsync generous
                    Expect.equal n 4 "a surrogate pair crosses"
                }

            testTask "a BigInteger, whose JSON holds only derived properties, faults the call naming the type"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    do! refused (pool.Wrap echoBig (BigInteger.Pow(10I, 30))) [ "BigInteger" ]
                }

            testTask "delegates and interfaces fault the call naming the type"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    do! refused (pool.Wrap call (Func<int, int>(fun x -> x))) [ "Func" ]
                    do! refused (pool.Wrap comparable (box 1 :?> IComparable)) [ "IComparable" ]
                }
        ]
