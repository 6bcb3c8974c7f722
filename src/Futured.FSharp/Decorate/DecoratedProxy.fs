namespace Futured.Internal

open System
open System.Collections.Generic
open System.Linq.Expressions
open System.Reflection
open System.Threading
open System.Threading.Tasks
open Futured

/// Marks an executor that runs work in other processes (Distributed): it can run only functions without captured
/// state, and the calls of a decorated object carry their target, so decorating refuses it.
type internal IRemoteExecutor = interface end

/// Runs one call of a target method on an executor and returns the (boxed) task the interface method returns.
[<AbstractClass>]
type internal Submission() =
    abstract Run: executor: IExecutor * call: (unit -> obj) * cancellationToken: CancellationToken -> obj

/// For interface methods returning Task: the target method returns void.
[<Sealed>]
type internal UnitSubmission() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        executor.Submit((fun () -> call () |> ignore), cancellationToken) :> Task |> box

/// For interface methods returning Task<'T>: the target method returns a value assignable to 'T.
[<Sealed>]
type internal ValueSubmission<'T>() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        executor.Submit((fun () -> unbox<'T>(call ())), cancellationToken) |> box

/// For interface methods returning ValueTask: the target method returns void.
[<Sealed>]
type internal UnitValueTaskSubmission() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        ValueTask(executor.Submit((fun () -> call () |> ignore), cancellationToken))
        |> box

/// For interface methods returning ValueTask<'T>: the target method returns a value assignable to 'T.
[<Sealed>]
type internal ValueValueTaskSubmission<'T>() =
    inherit Submission()

    override _.Run(executor, call, cancellationToken) =
        ValueTask<'T>(executor.Submit((fun () -> unbox<'T>(call ())), cancellationToken))
        |> box

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

    /// What an interface method returns: a task or a value task, of no value (None) or of a value type.
    type private Returned =
        | TaskOf of value: Type option
        | ValueTaskOf of value: Type option

    /// The kind of task an interface method returns, or None when it returns something else.
    let private returnedOf (t: Type) =
        let valueOf (definition: Type) =
            if t.IsGenericType && t.GetGenericTypeDefinition() = definition then
                Some(t.GetGenericArguments()[0])
            else
                None

        if t = typeof<Task> then
            Some(TaskOf None)
        elif t = typeof<ValueTask> then
            Some(ValueTaskOf None)
        else
            match valueOf typedefof<Task<_>>, valueOf typedefof<ValueTask<_>> with
            | Some v, _ -> Some(TaskOf(Some v))
            | _, Some v -> Some(ValueTaskOf(Some v))
            | None, None -> None

    let private returns (result: Type option) (m: MethodInfo) =
        match result with
        | None -> m.ReturnType = typeof<Void>
        | Some t -> m.ReturnType <> typeof<Void> && t.IsAssignableFrom m.ReturnType

    let private submissionFor (returned: Returned) : Submission =
        let generic (definition: Type) (value: Type) =
            Activator.CreateInstance(definition.MakeGenericType value) :?> Submission

        match returned with
        | TaskOf None -> UnitSubmission()
        | TaskOf(Some t) -> generic typedefof<ValueSubmission<_>> t
        | ValueTaskOf None -> UnitValueTaskSubmission()
        | ValueTaskOf(Some t) -> generic typedefof<ValueValueTaskSubmission<_>> t

    /// Prepares the handler of one interface method, or says why it cannot be matched.
    let private plan (executor: IExecutor) (target: obj) (targetType: Type) (im: MethodInfo) =
        let parameters = im.GetParameters() |> Array.map (fun p -> p.ParameterType)

        let takesToken =
            parameters.Length > 0
            && parameters[parameters.Length - 1] = typeof<CancellationToken>

        match returnedOf im.ReturnType with
        | None -> Error $"{describe im}: returns {nameOf im.ReturnType}, not Task, Task<T>, ValueTask or ValueTask<T>"
        | Some _ when im.IsGenericMethodDefinition -> Error $"{describe im}: generic methods are not supported"
        | Some _ when parameters |> Array.exists (fun p -> p.IsByRef) ->
            Error $"{describe im}: ref and out parameters are not supported"
        | Some returned ->
            let result =
                match returned with
                | TaskOf v
                | ValueTaskOf v -> v

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
                let submission = submissionFor returned

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

    /// The methods of an interface and of the interfaces it inherits.
    let private methodsOf (iface: Type) =
        Seq.append [ iface ] (iface.GetInterfaces())
        |> Seq.collect (fun t -> t.GetMethods(BindingFlags.Public ||| BindingFlags.Instance))
        |> List.ofSeq

    /// The interface methods a name given with an executor stands for: those named exactly so, or else those
    /// named so with an "Async" suffix.
    let private namedBy (methods: MethodInfo list) (name: string) =
        match methods |> List.filter (fun m -> m.Name = name) with
        | [] -> methods |> List.filter (fun m -> m.Name = name + "Async")
        | exact -> exact

    /// Chooses the executor of every interface method, or raises ArgumentException (naming the parameter
    /// executors) for a name that matches no method, a method named twice, or a method left without one.
    let private executorsOf
        (iface: Type)
        (methods: MethodInfo list)
        (executors: (string * IExecutor) list)
        (defaultExecutor: IExecutor option)
        =
        let chosen = Dictionary<MethodInfo, string * IExecutor>()
        let lines = String.concat Environment.NewLine

        let unknown, twice =
            executors
            |> List.fold
                (fun (unknown, twice) (name, executor) ->
                    match namedBy methods name with
                    | [] -> name :: unknown, twice
                    | matched ->
                        let again =
                            matched
                            |> List.choose (fun m ->
                                match chosen.TryGetValue m with
                                | true, (first, _) -> Some $"{describe m}: named as {first} and as {name}"
                                | _ ->
                                    chosen[m] <- (name, executor)
                                    None)

                        unknown, twice @ again)
                ([], [])

        if not unknown.IsEmpty then
            let known =
                methods |> List.map (fun m -> m.Name) |> List.distinct |> String.concat ", "

            let missing = unknown |> List.rev |> String.concat ", "

            raise (
                ArgumentException(
                    $"{iface.FullName} has no method named {missing} (with or without an Async suffix); its methods are: {known}.",
                    "executors"
                )
            )

        if not twice.IsEmpty then
            raise (
                ArgumentException(
                    $"These methods of {iface.FullName} are given more than one executor:{Environment.NewLine}{lines twice}",
                    "executors"
                )
            )

        let executorOf (m: MethodInfo) =
            match chosen.TryGetValue m, defaultExecutor with
            | (true, (_, executor)), _ -> Some executor
            | _, Some executor -> Some executor
            | _, None -> None

        let unassigned = methods |> List.filter (executorOf >> Option.isNone)

        if not unassigned.IsEmpty then
            let names = unassigned |> List.map describe

            raise (
                ArgumentException(
                    $"These methods of {iface.FullName} have no executor: name each of them with one, or give a default executor:{Environment.NewLine}{lines names}",
                    "executors"
                )
            )

        fun m -> (executorOf m).Value

    /// Raises ArgumentException naming the parameter when the executor runs work in other processes.
    let private refuseRemote (parameter: string) (what: string) (executor: IExecutor) =
        match executor with
        | :? IRemoteExecutor ->
            raise (
                ArgumentException(
                    $"{what}, a {executor.GetType().Name}, runs work in other processes, which receive only functions without captured state: the calls of a decorated object carry their target, which cannot cross to another process as the same object. Use a Threaded or an Asynced.",
                    parameter
                )
            )
        | _ -> ()

    /// Builds the proxy, running each method on the executor named for it or else on the default executor; raises
    /// ArgumentNullException naming executors for a null name or executor, ArgumentException naming executors
    /// or defaultParameter for an executor that runs work in other processes, ArgumentException naming executors
    /// for a name that matches no method, a method named twice or a method without an executor, and
    /// ArgumentException naming target listing every method that cannot be matched.
    let createWith<'IAsync>
        (defaultParameter: string)
        (executors: (string * IExecutor) list)
        (defaultExecutor: IExecutor option)
        (target: obj)
        : 'IAsync =
        for name, executor in executors do
            if isNull name then
                raise (ArgumentNullException("executors", "A method name in executors is null."))

            if isNull (box executor) then
                raise (ArgumentNullException("executors", $"The executor given for {name} is null."))

        match defaultExecutor with
        | Some executor when isNull (box executor) ->
            raise (ArgumentNullException("defaultExecutor", "The default executor is Some null."))
        | _ -> ()

        for name, executor in executors do
            refuseRemote "executors" $"The executor given for {name}" executor

        defaultExecutor
        |> Option.iter (refuseRemote defaultParameter "The default executor")

        let iface = typeof<'IAsync>

        if not iface.IsInterface then
            raise (
                ArgumentException($"{iface.FullName} is not an interface: only interfaces can be decorated.", "IAsync")
            )

        let methods = methodsOf iface
        let executorOf = executorsOf iface methods executors defaultExecutor
        let targetType = target.GetType()

        let plans = methods |> List.map (fun m -> plan (executorOf m) target targetType m)

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

    /// Builds the proxy with one executor for every method, or raises ArgumentException naming the parameter
    /// executor when it runs work in other processes, or naming target with every method that cannot be matched.
    let create<'IAsync> (executor: IExecutor) (target: obj) : 'IAsync =
        createWith<'IAsync> "executor" [] (Some executor) target
