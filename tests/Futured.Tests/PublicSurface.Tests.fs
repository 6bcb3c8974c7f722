/// The split of the public surface between the F# core and the C# facade (DESIGN §1): members that exist only for
/// the facade are internal to the core, and the core's F#-shaped members (taking F# functions or options) are hidden
/// from C# IntelliSense with EditorBrowsable(Never) on the implementation, so a C# user sees only the facade's
/// delegate-shaped extension methods beside them. See the README's "Decisions" section.
module Futured.Tests.PublicSurface

open System
open System.ComponentModel
open System.Reflection
open Expecto
open Microsoft.FSharp.Core

let private core = typeof<Futured.MapOptions>.Assembly
let private facade = typeof<Futured.Futures>.Assembly

let private everyMember =
    BindingFlags.Public
    ||| BindingFlags.Instance
    ||| BindingFlags.Static
    ||| BindingFlags.DeclaredOnly

/// The source construct an F# type was compiled from (module, record, class...), if F# says.
let private construct (t: Type) =
    t.GetCustomAttribute<CompilationMappingAttribute>()
    |> Option.ofObj
    |> Option.map (fun a -> a.SourceConstructFlags &&& SourceConstructFlags.KindMask)

/// Whether a type is, or is built from, one of the types the predicate picks.
let rec private mentions (pick: Type -> bool) (t: Type) =
    if pick t then
        true
    elif t.HasElementType then
        mentions pick (t.GetElementType())
    elif t.IsGenericType then
        (pick (t.GetGenericTypeDefinition()))
        || (t.GetGenericArguments() |> Array.exists (mentions pick))
    else
        false

let private isFSharpShaped (t: Type) =
    t.IsGenericType
    && (let d = t.GetGenericTypeDefinition()
        d = typedefof<FSharpFunc<_, _>> || d = typedefof<option<_>>)

/// The BCL's Func and Action delegates, the shape C# code passes (F#'s own delegates, such as ResumableCode, are not).
let private isFuncOrAction (t: Type) =
    typeof<Delegate>.IsAssignableFrom t
    && t.Namespace = "System"
    && (t.Name.StartsWith "Func" || t.Name.StartsWith "Action")

/// Public methods (constructors and property accessors included) of the public types of an assembly, with the types
/// of their parameters and result.
let private publicMethods (assembly: Assembly) =
    [
        for t in assembly.GetExportedTypes() do
            for m in t.GetMethods everyMember do
                yield t, (m :> MethodBase), [ yield m.ReturnType; for p in m.GetParameters() -> p.ParameterType ]

            for c in t.GetConstructors everyMember do
                yield t, (c :> MethodBase), [ for p in c.GetParameters() -> p.ParameterType ]
    ]

let private describe (t: Type, m: MethodBase, _) = $"{t.FullName}.{m.Name}"

let private hiddenFromEditors (m: MethodBase) =
    match m.GetCustomAttribute<EditorBrowsableAttribute>() with
    | null -> false
    | a -> a.State = EditorBrowsableState.Never

/// The core's public methods that take or return an F# function or option, on the types a C# user meets beside the
/// facade's extension methods: not F# modules (C# users call the facade instead), not the `futured { }` builder
/// (only the F# compiler calls it), not records (MapOptions: the facade builds it from plain parameters), and not
/// compiler-generated members.
let private fsharpShapedOnSharedTypes () =
    publicMethods core
    |> List.filter (fun (t, m, types) ->
        construct t <> Some SourceConstructFlags.Module
        && construct t <> Some SourceConstructFlags.RecordType
        && t <> typeof<Futured.FuturedBuilder>
        && not m.IsSpecialName
        && not (m.IsDefined typeof<System.Runtime.CompilerServices.CompilerGeneratedAttribute>)
        && types |> List.exists (mentions isFSharpShaped))

[<Tests>]
let tests =
    testList
        "public surface"
        [
            test "the members that exist only for the C# facade are not public in the core" {
                let processed = typeof<Futured.Processed>
                let processes = core.GetType("Futured.Processes", true)

                Expect.isNull (processed.GetMethod("WrapFunc", everyMember)) "Processed.WrapFunc is internal"
                Expect.isNull (processed.GetMethod("Fork", everyMember)) "the static Processed.Fork is internal"
                Expect.isNull (processes.GetMethod("processedFunc", everyMember)) "processedFunc is internal"

                // They still exist, for the facade (InternalsVisibleTo).
                let hidden =
                    BindingFlags.NonPublic ||| BindingFlags.Instance ||| BindingFlags.Static

                for (t, name) in [ processed, "WrapFunc"; processed, "Fork"; processes, "processedFunc" ] do
                    Expect.isNotNull (t.GetMethod(name, hidden)) $"{t.Name}.{name} exists, internal, for the facade"
            }

            test "no public member of the core takes or returns a Func or Action: the delegate forms are the facade's" {
                let delegateShaped =
                    publicMethods core
                    |> List.filter (fun (t, _, types) -> types |> List.exists (mentions isFuncOrAction))
                    |> List.map describe

                Expect.equal
                    delegateShaped
                    []
                    "a member taking a Func or Action exists for C#: make it internal and call it from Futured.CSharp"
            }

            test "every F#-shaped member on a type C# users meet is hidden from C# IntelliSense" {
                let members = fsharpShapedOnSharedTypes ()

                // The members this rule is about today, so the filter cannot silently match nothing.
                let names = members |> List.map describe |> set

                for expected in
                    [
                        "Futured.Threaded.Wrap"
                        "Futured.Threaded.Submit"
                        "Futured.Asynced.Wrap"
                        "Futured.Asynced.Submit"
                        "Futured.Processed.Wrap"
                        "Futured.Processed.Submit"
                        "Futured.Waiting`1.Start"
                        "Futured.IExecutor.Submit"
                    ] do
                    Expect.contains names expected $"{expected} takes an F# function"

                let visible =
                    members
                    |> List.filter (fun (_, m, _) -> not (hiddenFromEditors m))
                    |> List.map describe

                Expect.equal
                    visible
                    []
                    "these take FSharpFunc or FSharpOption yet show in C# completion: put [<EditorBrowsable(EditorBrowsableState.Never)>] on the implementation in the .fs file (not the .fsi, which would hide them from F# too) and give the facade a delegate-shaped extension method"
            }

            test "the F#-shaped members are still offered to F#: their signature files carry no EditorBrowsable" {
                // F# tooling reads the attributes of a member from its signature (.fsi); the compiler hides a member
                // marked EditorBrowsable(Never) there from F# completion. So the attribute must stay out of the .fsi.
                let signatures =
                    [ "Executors/Executors.fsi"; "Processes/Processed.fsi"; "Tasks/Waiting.fsi" ]
                    |> List.map (fun file ->
                        IO.Path.Combine(PublicApi.projectDirectory, "..", "..", "src", "Futured.FSharp", file))

                for path in signatures do
                    Expect.isTrue (IO.File.Exists path) $"{path} exists"

                    Expect.isFalse
                        (IO.File.ReadAllText(path).Contains "EditorBrowsable")
                        $"{path} carries no EditorBrowsable, so F# completion still offers its members"
            }

            test "the facade's public surface holds no F# function, option or unit type" {
                let fsharpTyped =
                    publicMethods facade
                    |> List.filter (fun (_, _, types) ->
                        types |> List.exists (mentions (fun t -> isFSharpShaped t || t = typeof<unit>)))
                    |> List.map describe

                Expect.equal fsharpTyped [] "C# users never meet FSharpFunc, FSharpOption or Unit in the facade"
            }
        ]
