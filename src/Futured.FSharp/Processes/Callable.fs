namespace Futured.Internal

open System
open System.Collections.Concurrent
open System.IO
open System.Reflection
open System.Runtime.CompilerServices
open System.Text.Json
open System.Threading
open Microsoft.FSharp.Core

/// A function that may run in a worker process: its id in this process and the text that tells a
/// worker how to rebuild it.
[<Sealed; AllowNullLiteral>]
type internal Target(id: int, description: string) =
    member _.Id = id
    member _.Description = description
    member val DefineFrame = Protocol.textFrame Protocol.Define id 0 description

/// Runs one call inside a worker: reads the JSON argument, calls the function, writes the JSON result.
[<AbstractClass>]
type internal Invoker() =
    abstract Invoke: argument: ReadOnlyMemory<byte> * output: Stream -> unit

    /// Runs one call, giving the token to a function that takes one (the others never see it).
    abstract InvokeWith: argument: ReadOnlyMemory<byte> * output: Stream * cancellationToken: CancellationToken -> unit

    /// The type of the function's result.
    abstract ResultType: Type

/// The invoker of a function of one argument that may take a cancellation token.
type internal CallInvoker<'a, 'b>(run: 'a -> CancellationToken -> 'b) =
    inherit Invoker()

    override _.ResultType = typeof<'b>

    override this.Invoke(argument, output) =
        this.InvokeWith(argument, output, CancellationToken.None)

    override _.InvokeWith(argument, output, cancellationToken) =
        let a =
            try
                JsonSerializer.Deserialize<'a>(argument.Span, Json.options)
            with e ->
                raise (SerializationFailure e)

        let b = run a cancellationToken

        try
            JsonSerializer.Serialize<'b>(output, b, Json.options)
        with e ->
            raise (SerializationFailure e)

type internal FunctionInvoker<'a, 'b>(f: 'a -> 'b) =
    inherit CallInvoker<'a, 'b>(fun a _ -> f a)

/// An F# function whose second argument is the call's cancellation token.
[<Sealed>]
type internal CancellableFunctionInvoker<'a, 'b>(f: 'a -> CancellationToken -> 'b) =
    inherit CallInvoker<'a, 'b>(fun a token -> f a token)

[<Sealed>]
type internal DelegateInvoker<'a, 'b>(f: Func<'a, 'b>) =
    inherit CallInvoker<'a, 'b>(fun a _ -> f.Invoke a)

/// A delegate whose second argument is the call's cancellation token.
[<Sealed>]
type internal CancellableDelegateInvoker<'a, 'b>(f: Func<'a, CancellationToken, 'b>) =
    inherit CallInvoker<'a, 'b>(fun a token -> f.Invoke(a, token))

/// A delegate of two arguments, which cross as a pair.
[<Sealed>]
type internal PairDelegateInvoker<'a1, 'a2, 'b>(f: Func<'a1, 'a2, 'b>) =
    inherit CallInvoker<'a1 * 'a2, 'b>(fun (a1, a2) _ -> f.Invoke(a1, a2))

[<Sealed>]
type internal ActionInvoker<'a>(f: Action<'a>) =
    inherit FunctionInvoker<'a, unit>(fun a -> f.Invoke a)

/// Decides which functions may cross to a worker process, and rebuilds them there.
///
/// The rule: the function value is an object whose class has no instance fields (so it carries no
/// state) and lives in an assembly loaded from a file. An F# top-level function passed as a value, or
/// a lambda that captures nothing, compiles to such a closure class; a C# static method has no target,
/// and a C# lambda that captures nothing is an instance method of a field-less compiler-generated
/// class. The worker creates a fresh instance of that class (without running a constructor: there is
/// no state to set) and calls it.
module internal Callable =

    let private nextId = ref 0

    let private cache =
        ConcurrentDictionary<struct (Type * MethodInfo), Result<Target, string>>()

    let private how =
        "Only functions without captured state can run in a worker process: pass an F# top-level function "
        + "(let f x = ...) or a lambda that captures nothing, or a C# static lambda or static method, and put "
        + "every value the function needs into its argument (a tuple or a record)."

    /// What a single-file application cannot do, and what to do instead.
    let singleFileAdvice =
        "In a single-file application (published with PublishSingleFile) assemblies are bundled inside the "
        + "executable and Assembly.Location is empty, so a worker process can neither load the function's assembly "
        + "nor find this library's startup hook. Publish the application as a folder (framework-dependent or "
        + "self-contained, without PublishSingleFile) to use worker processes."

    /// Whether this library runs inside a single-file application: its own assembly has no file.
    let inSingleFile () =
        String.IsNullOrEmpty typeof<Target>.Assembly.Location

    /// Why a function from an assembly with no file cannot cross, for an application that is single-file or not.
    let notOnDisk (assemblyName: string) (singleFile: bool) : string =
        if singleFile then
            $"its assembly '{assemblyName}' has no file: {singleFileAdvice}"
        else
            $"its assembly '{assemblyName}' was not loaded from a file (an F# script run by F# "
            + "Interactive, or an assembly loaded from bytes), so another process cannot load it. Move the function "
            + "into a compiled project."

    let private fromFile (t: Type) : string option =
        if t.Assembly.IsDynamic then
            Some(
                $"its code is in the dynamic assembly '{t.Assembly.GetName().Name}' (an F# script, F# Interactive or "
                + "Reflection.Emit), which another process cannot load. Move the function into a compiled project."
            )
        elif String.IsNullOrEmpty t.Assembly.Location then
            Some(notOnDisk (t.Assembly.GetName().Name) (inSingleFile ()))
        else
            None

    let private stateless (what: string) (t: Type) : string option =
        match Crossing.instanceFields t with
        | [] -> None
        | fields ->
            let names =
                fields
                |> List.map (fun f -> $"{f.Name}: {f.FieldType.Name}")
                |> String.concat ", "

            Some(
                $"it {what} captured state ({names}): a closure over local values, a partial application "
                + "or a method bound to an object."
            )

    let private describe (t: Type) (lines: string list) =
        String.Join("\n", t.Assembly.FullName :: t.Assembly.Location :: lines)

    let private register (key: struct (Type * MethodInfo)) (build: unit -> Result<string, string>) =
        cache.GetOrAdd(key, fun _ -> build () |> Result.map (fun text -> Target(Interlocked.Increment nextId, text)))

    let private refuse (paramName: string) (why: string) : 'x =
        raise (ArgumentException($"This function cannot run in a worker process: {why} {how}", paramName))

    /// Describes an F# function value, or raises ArgumentException (naming paramName) when it cannot cross.
    let ofFunction (paramName: string) (f: 'a -> 'b) : Target =
        let t = f.GetType()

        let result =
            register (struct (t, null)) (fun () ->
                match fromFile t with
                | Some why -> Error why
                | None ->
                    match stateless "holds" t with
                    | Some why -> Error why
                    | None -> Ok(describe t [ "closure"; t.AssemblyQualifiedName ]))

        match result with
        | Ok target -> target
        | Error why -> refuse paramName why

    /// Describes a delegate to a static method or to a method of a field-less object, or raises ArgumentException.
    let ofDelegate (paramName: string) (f: Delegate) : Target =
        let m = f.Method
        let target = f.Target

        let owner: Type = if isNull target then m.DeclaringType else target.GetType()

        let result =
            if f.GetInvocationList().Length <> 1 then
                Error "it is a multicast delegate."
            elif isNull m.DeclaringType then
                Error "its method was generated at run time (a DynamicMethod or compiled expression)."
            elif m.IsGenericMethod then
                Error "its method is generic; wrap a non-generic method that calls it."
            else
                register (struct (owner, m)) (fun () ->
                    match fromFile m.DeclaringType with
                    | Some why -> Error why
                    | None ->
                        match
                            (if isNull target then
                                 None
                             else
                                 stateless "is an instance method of an object with" owner)
                        with
                        | Some why -> Error why
                        | None ->
                            Ok(
                                describe
                                    m.DeclaringType
                                    [
                                        "delegate"
                                        m.DeclaringType.AssemblyQualifiedName
                                        string m.MetadataToken
                                        (if isNull target then "" else owner.AssemblyQualifiedName)
                                        f.GetType().AssemblyQualifiedName
                                    ]
                            ))

        match result with
        | Ok target -> target
        | Error why -> refuse paramName why

    // ---- worker side ----

    let private resolveType (location: string) (name: string) : Type =
        match Type.GetType(name, false) with
        | null ->
            Assembly.LoadFrom location |> ignore
            Type.GetType(name, true)
        | t -> t

    let rec private functionBase (t: Type) : Type =
        if isNull t then
            invalidOp "The type is not an F# function."
        elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<FSharpFunc<_, _>> then
            t
        else
            functionBase t.BaseType

    /// Rebuilds the function a description stands for (in the worker).
    let load (description: string) : Invoker =
        match description.Split('\n') with
        | [| _; location; "closure"; typeName |] ->
            let t = resolveType location typeName
            let f = RuntimeHelpers.GetUninitializedObject t
            let signature = (functionBase t).GetGenericArguments()
            let result = signature[1]

            let invoker =
                if
                    result.IsGenericType
                    && result.GetGenericTypeDefinition() = typedefof<FSharpFunc<_, _>>
                    && result.GetGenericArguments()[0] = typeof<CancellationToken>
                then
                    typedefof<CancellableFunctionInvoker<_, _>>
                        .MakeGenericType(signature[0], result.GetGenericArguments()[1])
                else
                    typedefof<FunctionInvoker<_, _>>.MakeGenericType(signature)

            Activator.CreateInstance(invoker, [| f |]) :?> Invoker
        | [| _; location; "delegate"; declaringName; token; targetName; funcName |] ->
            let declaring = resolveType location declaringName
            let token = int token

            let m =
                declaring.GetMethods(
                    BindingFlags.Instance
                    ||| BindingFlags.Static
                    ||| BindingFlags.Public
                    ||| BindingFlags.NonPublic
                    ||| BindingFlags.DeclaredOnly
                )
                |> Array.find (fun m -> m.MetadataToken = token)

            let funcType = resolveType location funcName

            let d =
                if targetName = "" then
                    Delegate.CreateDelegate(funcType, m)
                else
                    let target = RuntimeHelpers.GetUninitializedObject(resolveType location targetName)
                    Delegate.CreateDelegate(funcType, target, m)

            let arguments = funcType.GetGenericArguments()

            let invoker =
                if not funcType.IsGenericType then
                    invalidOp $"The delegate type {funcType} is not a generic Func or Action."
                elif funcType.GetGenericTypeDefinition() = typedefof<Action<_>> then
                    typedefof<ActionInvoker<_>>.MakeGenericType(arguments)
                elif funcType.GetGenericTypeDefinition() = typedefof<Func<_, _, _>> then
                    if arguments[1] = typeof<CancellationToken> then
                        typedefof<CancellableDelegateInvoker<_, _>>.MakeGenericType(arguments[0], arguments[2])
                    else
                        typedefof<PairDelegateInvoker<_, _, _>>.MakeGenericType(arguments)
                else
                    typedefof<DelegateInvoker<_, _>>.MakeGenericType(arguments)

            Activator.CreateInstance(invoker, [| box d |]) :?> Invoker
        | _ -> invalidOp $"The function description could not be read: {description}"
