namespace Futured.Internal

open System
open System.Collections.Generic
open System.Linq.Expressions
open System.Reflection
open System.Threading
open System.Threading.Tasks
open Futured

/// Runs one call of a target method on an executor and returns the task typed as the interface expects.
[<AbstractClass>]
type internal Submission() =
    abstract Run: executor: IExecutor * call: (unit -> obj) * cancellationToken: CancellationToken -> Task

/// For interface methods returning Task: the target method returns void.
[<Sealed>]
type internal UnitSubmission() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        executor.Submit((fun () -> call () |> ignore), cancellationToken) :> Task

/// For interface methods returning Task<'T>: the target method returns a value assignable to 'T.
[<Sealed>]
type internal ValueSubmission<'T>() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        executor.Submit((fun () -> unbox<'T>(call ())), cancellationToken) :> Task

/// The DispatchProxy behind a decorated interface: every interface method maps to a prepared handler.
type internal DecoratedProxy() =
    inherit DispatchProxy()

    member val Handlers: Dictionary<MethodInfo, obj array -> obj> = null with get, set

    override this.Invoke(targetMethod, args) =
        match this.Handlers.TryGetValue targetMethod with
        | true, handler -> handler args
        | _ -> raise (MissingMethodException(targetMethod.DeclaringType.FullName, targetMethod.Name))

/// Matching an interface of Task-returning methods against the synchronous methods of a target.
module internal Decorating =

    /// A type's name as C# and F# readers know it: Task<Int32> rather than Task`1.
    let rec private nameOf (t: Type) =
        if t.IsGenericType then
            let tick = t.Name.IndexOf '`'
            let name = if tick < 0 then t.Name else t.Name.Substring(0, tick)
            let arguments = t.GetGenericArguments() |> Array.map nameOf |> String.concat ", "
            $"{name}<{arguments}>"
        else
            t.Name

    let private describe (m: MethodInfo) =
        let parameters =
            m.GetParameters()
            |> Array.map (fun p -> nameOf p.ParameterType)
            |> String.concat ", "

        $"{nameOf m.ReturnType} {m.DeclaringType.Name}.{m.Name}({parameters})"

    /// Compiles a call of the method on a target and boxed arguments: no reflection at each call, and an
    /// exception of the method propagates as itself.
    let private invoker (m: MethodInfo) : Func<obj, obj array, obj> =
        let target = Expression.Parameter(typeof<obj>, "target")
        let args = Expression.Parameter(typeof<obj array>, "args")

        let arguments =
            m.GetParameters()
            |> Array.mapi (fun i p ->
                Expression.Convert(Expression.ArrayIndex(args, Expression.Constant i), p.ParameterType) :> Expression)

        let call =
            Expression.Call(Expression.Convert(target, m.DeclaringType), m, arguments)

        let body: Expression =
            if m.ReturnType = typeof<Void> then
                Expression.Block(call, Expression.Constant(null, typeof<obj>))
            else
                Expression.Convert(call, typeof<obj>)

        Expression.Lambda<Func<obj, obj array, obj>>(body, target, args).Compile()

    /// The candidate target names of an interface method: its own name, then the name without "Async".
    let private names (name: string) =
        if name.EndsWith("Async", StringComparison.Ordinal) && name.Length > 5 then
            [ name; name.Substring(0, name.Length - 5) ]
        else
            [ name ]

    /// The value type of a Task-returning method: Some None for Task, Some(Some t) for Task<t>, None otherwise.
    let private resultType (t: Type) =
        if t = typeof<Task> then
            Some None
        elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<Task<_>> then
            Some(Some(t.GetGenericArguments()[0]))
        else
            None

    let private returns (result: Type option) (m: MethodInfo) =
        match result with
        | None -> m.ReturnType = typeof<Void>
        | Some t -> m.ReturnType <> typeof<Void> && t.IsAssignableFrom m.ReturnType

    /// Prepares the handler of one interface method, or says why it cannot be matched.
    let private plan (executor: IExecutor) (target: obj) (targetType: Type) (im: MethodInfo) =
        let parameters = im.GetParameters() |> Array.map (fun p -> p.ParameterType)

        let takesToken =
            parameters.Length > 0
            && parameters[parameters.Length - 1] = typeof<CancellationToken>

        match resultType im.ReturnType with
        | None -> Error $"{describe im}: returns {nameOf im.ReturnType}, not Task or Task<T>"
        | Some _ when im.IsGenericMethodDefinition -> Error $"{describe im}: generic methods are not supported"
        | Some _ when parameters |> Array.exists (fun p -> p.IsByRef) ->
            Error $"{describe im}: ref and out parameters are not supported"
        | Some result ->
            let candidates =
                targetType.GetMethods(BindingFlags.Public ||| BindingFlags.Instance)
                |> Array.filter (fun m -> not m.IsGenericMethodDefinition && returns result m)

            let withParameters (wanted: Type array) name =
                candidates
                |> Array.tryFind (fun m ->
                    m.Name = name
                    && (m.GetParameters() |> Array.map (fun p -> p.ParameterType)) = wanted)

            let exact = names im.Name |> List.tryPick (withParameters parameters)

            let found =
                match exact with
                | Some m -> Some(m, false)
                | None when takesToken ->
                    names im.Name
                    |> List.tryPick (withParameters parameters[.. parameters.Length - 2])
                    |> Option.map (fun m -> m, true)
                | None -> None

            match found with
            | None ->
                let expected =
                    match result with
                    | None -> "void"
                    | Some t -> nameOf t

                let wanted = parameters |> Array.map nameOf |> String.concat ", "

                Error
                    $"""{describe im}: {targetType.Name} has no public method {String.Join(" or ", names im.Name)}({wanted}) returning {expected}"""
            | Some(m, dropToken) ->
                let invoke = invoker m

                let submission =
                    match result with
                    | None -> UnitSubmission() :> Submission
                    | Some t -> Activator.CreateInstance(typedefof<ValueSubmission<_>>.MakeGenericType t) :?> Submission

                let handler (args: obj array) : obj =
                    let token =
                        if takesToken then
                            args[args.Length - 1] :?> CancellationToken
                        else
                            CancellationToken.None

                    // The proxy passes a fresh array for each call, so it is handed on as it is.
                    let targetArgs = if dropToken then args[.. args.Length - 2] else args

                    let call () = invoke.Invoke(target, targetArgs)

                    submission.Run(executor, call, token)

                Ok(im, handler)

    /// Builds the proxy, or raises ArgumentException naming every method that cannot be matched.
    let create<'IAsync> (executor: IExecutor) (target: obj) : 'IAsync =
        let iface = typeof<'IAsync>

        if not iface.IsInterface then
            raise (
                ArgumentException($"{iface.FullName} is not an interface: only interfaces can be decorated.", "IAsync")
            )

        let targetType = target.GetType()

        let plans =
            Seq.append [ iface ] (iface.GetInterfaces())
            |> Seq.collect (fun t -> t.GetMethods(BindingFlags.Public ||| BindingFlags.Instance))
            |> Seq.map (plan executor target targetType)
            |> List.ofSeq

        let failures =
            plans
            |> List.choose (function
                | Error e -> Some e
                | Ok _ -> None)

        if not failures.IsEmpty then
            let lines = failures |> String.concat Environment.NewLine

            raise (
                ArgumentException(
                    $"{targetType.FullName} cannot implement {iface.FullName}; these methods have no match:{Environment.NewLine}{lines}",
                    "target"
                )
            )

        let handlers = Dictionary<MethodInfo, obj array -> obj>()

        for p in plans do
            match p with
            | Ok(im, handler) -> handlers[im] <- handler
            | Error _ -> ()

        let proxy = DispatchProxy.Create<'IAsync, DecoratedProxy>()
        (box proxy :?> DecoratedProxy).Handlers <- handlers
        proxy
