module Futured.Tests.Processed

open System
open System.IO
open System.Reflection
open System.Reflection.Emit
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

// The functions the workers run: top-level, so they carry no state.

type Point = { X: int; Y: string }

type Shape =
    | Circle of radius: float
    | Rectangle of width: float * height: float
    | Empty

let double (x: int) = x * 2

let greet (name: string) = "hello " + name

let mirror (p: Point) = { X = p.X * 10; Y = p.Y + "!" }

let grow (s: Shape) =
    match s with
    | Circle r -> Circle(r * 2.0)
    | Rectangle(w, h) -> Rectangle(h, w)
    | Empty -> Empty

let swap (a: int, b: string option) = (b, [ a; a ])

let fails (message: string) : int = invalidOp message

let processId () = Environment.ProcessId

let crash (code: int) : int =
    eprintfn "the worker is about to exit with %d" code
    exit code

let chatty (x: int) =
    printfn "noise on standard output %d" x
    Console.Out.Flush()
    x + 1

let typeOf (x: int) = x.GetType()

/// A top-level value of this executable, computed at run time.
let factor = Environment.ProcessorCount * 0 + 3

let scaled (x: int) = x * factor

/// Creates `started`, then waits (in the worker) until `gate` exists; returns the worker's pid.
let startThenWait (started: string, gate: string) =
    File.WriteAllText(started, string Environment.ProcessId)

    while not (File.Exists gate) do
        Thread.Sleep 5

    Environment.ProcessId

let touch (path: string) =
    File.WriteAllText(path, "ran")
    0

/// Appends the value to the file and returns it.
let record (path: string, value: int) =
    File.AppendAllText(path, $"{value}\n")
    value

/// One worker shared by every case of the FIFO property (it exits with the test process).
let fifoPool = lazy (new Processed(1))

type Counter() =
    let mutable count = 0

    member _.Add(x: int) =
        count <- count + x
        count

/// A type that marks this module, to reach its static methods by reflection.
type Marker = class end

/// Whether a process is gone (or a zombie waiting to be reaped).
let isGone (pid: int) =
    let stat = $"/proc/{pid}/stat"

    try
        not (File.Exists stat)
        || (let text = File.ReadAllText stat
            text.Substring(text.LastIndexOf ')' + 2, 1) = "Z")
    with _ ->
        true

/// A fresh temporary directory for files the workers and the test share.
let tempDir () =
    let dir =
        Path.Combine(Path.GetTempPath(), "futured-tests-" + Guid.NewGuid().ToString "N")

    Directory.CreateDirectory dir |> ignore
    dir

/// An F# function defined in a dynamic assembly, as an F# script's would be.
let dynamicFunction () : int -> int =
    let assembly =
        AssemblyBuilder.DefineDynamicAssembly(AssemblyName "Futured.Tests.Dynamic", AssemblyBuilderAccess.Run)

    let m = assembly.DefineDynamicModule "Dynamic"
    let baseType = typeof<FSharpFunc<int, int>>

    let t =
        m.DefineType("Identity", TypeAttributes.Public ||| TypeAttributes.Sealed, baseType)

    let ctor =
        t.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes)

    let il = ctor.GetILGenerator()
    il.Emit(OpCodes.Ldarg_0)

    il.Emit(
        OpCodes.Call,
        baseType.GetConstructor(
            BindingFlags.Instance ||| BindingFlags.Public ||| BindingFlags.NonPublic,
            null,
            Type.EmptyTypes,
            null
        )
    )

    il.Emit OpCodes.Ret

    let invoke =
        t.DefineMethod(
            "Invoke",
            MethodAttributes.Public
            ||| MethodAttributes.Virtual
            ||| MethodAttributes.HideBySig,
            typeof<int>,
            [| typeof<int> |]
        )

    let il = invoke.GetILGenerator()
    il.Emit OpCodes.Ldarg_1
    il.Emit OpCodes.Ret
    Activator.CreateInstance(t.CreateType()) :?> FSharpFunc<int, int>

[<Tests>]
let tests =
    testSequenced
    <| testList
        "processed"
        [
            testTask "calls round-trip ints, strings, records, unions, options and tuples"
            <| fun () ->
                task {
                    use pool = new Processed(2)
                    let! a = pool.Wrap double 21
                    let! b = pool.Wrap greet "worker"
                    let! c = pool.Wrap mirror { X = 4; Y = "p" }

                    let! shapes =
                        Task.WhenAll [ for s in [ Circle 1.5; Rectangle(2.0, 3.0); Empty ] -> pool.Wrap grow s ]

                    let! d = pool.Wrap swap (7, Some "seven")
                    let! e = pool.Wrap swap (8, None)
                    Expect.equal a 42 "int"
                    Expect.equal b "hello worker" "string"
                    Expect.equal c { X = 40; Y = "p!" } "record"
                    Expect.equal (List.ofArray shapes) [ Circle 3.0; Rectangle(3.0, 2.0); Empty ] "union"
                    Expect.equal d (Some "seven", [ 7; 7 ]) "tuple with an option and a list"
                    Expect.equal e (None, [ 8; 8 ]) "tuple with None"
                }

            testTask "calls run in other processes, at most maxWorkers of them"
            <| fun () ->
                task {
                    use pool = new Processed(2)
                    let pid = pool.Wrap processId
                    let! pids = Task.WhenAll [ for _ in 1..20 -> pid () ]
                    Expect.isFalse (Array.contains Environment.ProcessId pids) "not this process"
                    Expect.isLessThanOrEqual (Array.distinct pids).Length 2 "at most two workers"
                    Expect.isLessThanOrEqual pool.WorkerIds.Length 2 "at most two live workers"
                }

            testTask "a function reading a top-level value of the application sees it initialised in the worker"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! r = pool.Wrap scaled 2
                    Expect.equal r 6 "the worker initialised the value"
                }

            property
                "calls beyond the bound start in FIFO order, whatever order they are made in"
                permutations
                (fun order ->
                    let file =
                        Path.Combine(Path.GetTempPath(), "futured-fifo-" + Guid.NewGuid().ToString "N")

                    let calls = [ for v in order -> fifoPool.Value.Wrap record (file, v) ]
                    let results = await' (Task.WhenAll calls)
                    let ran = File.ReadAllLines file |> Array.map int
                    File.Delete file
                    results = order && ran = order)

            testTask "processed runs on the shared pool"
            <| fun () ->
                task {
                    let! r = processed double 5
                    Expect.equal r 10 "result"
                }

            testTask "a remote exception faults the call with its type, message and remote stack trace"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! e = throwsExactly<RemoteException>(pool.Wrap fails "it went wrong")
                    Expect.equal e.RemoteTypeName "System.InvalidOperationException" "type"
                    Expect.equal e.RemoteMessage "it went wrong" "message"
                    Expect.stringContains e.RemoteStackTrace "fails" "remote stack trace names the function"
                    Expect.stringContains e.Message "System.InvalidOperationException" "Message has the type"
                    Expect.stringContains e.Message "it went wrong" "Message has the message"
                    Expect.stringContains (e.ToString()) e.RemoteStackTrace "ToString has the remote stack"
                    let! after = pool.Wrap double 2
                    Expect.equal after 4 "the worker keeps serving"
                }

            testTask "printing in the function does not disturb the channel"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! rs = Task.WhenAll [ for i in 1..5 -> pool.Wrap chatty i ]
                    Expect.equal (List.ofArray rs) [ 2..6 ] "results"
                }

            testTask "a worker that exits during a call faults only that call, and the pool heals"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! first = pool.Wrap processId ()
                    let! e = throwsExactly<WorkerCrashedException>(pool.Wrap crash 3)
                    Expect.equal e.ExitCode 3 "exit code"
                    Expect.stringContains e.StandardErrorTail "about to exit with 3" "stderr tail"
                    Expect.stringContains e.Message "3" "message has the exit code"
                    let! after = Task.WhenAll [ for i in 1..5 -> pool.Wrap double i ]
                    Expect.equal (List.ofArray after) [ 2; 4; 6; 8; 10 ] "later calls succeed"
                    let! second = pool.Wrap processId ()
                    Expect.notEqual second first "a new worker replaced the dead one"
                }

            testTask "a worker killed from outside while idle is replaced without failing a call"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! first = pool.Wrap processId ()
                    use worker = Diagnostics.Process.GetProcessById first
                    worker.Kill()
                    // Reaped by this process once it noticed the exit.
                    do! waitUntil "the worker is reaped" (fun () -> not (Directory.Exists $"/proc/{first}"))
                    let! second = pool.Wrap processId ()
                    Expect.notEqual second first "a new worker"
                }

            testTask "an argument the serializer refuses faults the call with the serializer's message"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let name = pool.Wrap(fun (t: Type) -> t.Name)
                    let! e = throws<NotSupportedException>(name typeof<int>)
                    Expect.stringContains e.Message "System.Type" "serializer's message"
                }

            testTask "a result the serializer refuses faults the call with the serializer's message"
            <| fun () ->
                task {
                    use pool = new Processed(1)
                    let! e = throwsExactly<RemoteException>(pool.Wrap typeOf 1)
                    Expect.equal e.RemoteTypeName "System.NotSupportedException" "serializer's exception"
                    Expect.stringContains e.RemoteMessage "System.Type" "serializer's message"
                    let! after = pool.Wrap double 1
                    Expect.equal after 2 "the worker keeps serving"
                }

            test "a closure with captured state is refused when wrapped, saying why" {
                use pool = new Processed(1)
                let k = Random.Shared.Next()

                let e =
                    raises<ArgumentException>(fun () -> pool.Wrap(fun (x: int) -> x + k) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
                Expect.stringContains e.Message "captured state" "why"
                Expect.stringContains e.Message "top-level function" "what to do"
            }

            test "a partial application is refused when wrapped" {
                use pool = new Processed(1)
                let add (a: int) (b: int) = a + b + Random.Shared.Next(1)
                let e = raises<ArgumentException>(fun () -> pool.Wrap(add 1) |> ignore)
                Expect.equal e.ParamName "f" "parameter"
            }

            test "an instance method of an object with state is refused when wrapped" {
                use pool = new Processed(1)
                let counter = Counter()

                let e =
                    raises<ArgumentException>(fun () -> pool.WrapFunc(Func<int, int> counter.Add) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
                Expect.stringContains e.Message "captured state" "why"
            }

            test "a function from a dynamic assembly is refused when wrapped" {
                use pool = new Processed(1)
                let e = raises<ArgumentException>(fun () -> pool.Wrap(dynamicFunction ()) |> ignore)
                Expect.equal e.ParamName "f" "parameter"
                Expect.stringContains e.Message "dynamic assembly" "why"
            }

            test "a function from an assembly loaded from bytes, as F# Interactive loads a script, is refused" {
                use pool = new Processed(1)
                let bytes = File.ReadAllBytes(Futured.Tests.ProcessTable.parentProgramPath ())
                let assembly = Assembly.Load bytes
                let hang = assembly.GetType("Futured.Tests.Parent.Program").GetMethod "hang"

                let f =
                    Delegate.CreateDelegate(typeof<Func<string, int>>, hang) :?> Func<string, int>

                let e = raises<ArgumentException>(fun () -> pool.WrapFunc f |> ignore)
                Expect.equal e.ParamName "f" "parameter"
                Expect.stringContains e.Message "not loaded from a file" "why"
            }

            testTask "WrapFunc runs a static method and a lambda that captures nothing"
            <| fun () ->
                task {
                    use pool = new Processed(1)

                    let method =
                        typeof<Marker>.DeclaringType.GetMethod("double", BindingFlags.Public ||| BindingFlags.Static)

                    let staticDouble =
                        Delegate.CreateDelegate(typeof<Func<int, int>>, method) :?> Func<int, int>

                    Expect.isNull staticDouble.Target "a static method"
                    let! a = pool.WrapFunc(staticDouble).Invoke 4
                    let! b = pool.WrapFunc(Func<int, string>(fun x -> string (x + 1))).Invoke 4
                    Expect.equal a 8 "static method"
                    Expect.equal b "5" "lambda"
                }

            testTask "cancelling a queued call removes it: it never runs"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use pool = new Processed(1)
                    let gate = Path.Combine(dir, "gate")
                    let running = pool.Wrap startThenWait (Path.Combine(dir, "started"), gate)
                    do! waitUntil "the first call started" (fun () -> File.Exists(Path.Combine(dir, "started")))
                    use cts = new CancellationTokenSource()
                    let marker = Path.Combine(dir, "queued-ran")
                    let queued = pool.Submit(touch, marker, cts.Token)
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> queued
                    File.WriteAllText(gate, "open")
                    let! _ = running
                    let! _ = pool.Wrap double 1
                    Expect.isFalse (File.Exists marker) "the cancelled call never ran"
                }

            testTask "cancelling a running call kills its worker, which is replaced"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    use pool = new Processed(1)
                    use cts = new CancellationTokenSource()
                    let started = Path.Combine(dir, "started")

                    let call =
                        pool.Submit(startThenWait, (started, Path.Combine(dir, "never")), cts.Token)

                    do! waitUntil "the call started" (fun () -> File.Exists started && File.ReadAllText started <> "")
                    let pid = int (File.ReadAllText started)
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> call
                    do! waitUntil "the worker is gone" (fun () -> isGone pid)
                    let! next = pool.Wrap processId ()
                    Expect.notEqual next pid "a new worker"
                }

            testTask "disposing waits for accepted calls and leaves no worker"
            <| fun () ->
                task {
                    let dir = tempDir ()
                    let pool = new Processed(2)
                    let! _ = Task.WhenAll [ for i in 1..4 -> pool.Wrap double i ]
                    let gate = Path.Combine(dir, "gate")
                    let started = Path.Combine(dir, "started")
                    let pending = pool.Wrap startThenWait (started, gate)
                    do! waitUntil "the call started" (fun () -> File.Exists started)
                    let pids = pool.WorkerIds
                    Expect.isGreaterThan pids.Length 0 "workers ran"
                    let disposing = pool.DisposeAsync().AsTask()
                    let! e = throwsExactly<ObjectDisposedException>(pool.Wrap double 1)
                    Expect.stringContains e.ObjectName "Processed" "object name"
                    Expect.isFalse disposing.IsCompleted "dispose waits for the accepted call"
                    File.WriteAllText(gate, "open")
                    let! pid = pending
                    Expect.contains pids pid "the call ran on a worker"
                    do! disposing.WaitAsync generous

                    for p in pids do
                        Expect.isTrue (isGone p) $"worker {p} has exited"
                }

            test "Processed refuses a bound of zero or less, naming the parameter" {
                for bad in [ 0; -1 ] do
                    let e = raises<ArgumentOutOfRangeException>(fun () -> new Processed(bad) |> ignore)
                    Expect.equal e.ParamName "maxWorkers" "parameter"
            }

            test "Wrap, WrapFunc, Submit and processed refuse a null function, naming the parameter" {
                use pool = new Processed(1)

                let checks: (unit -> unit) list =
                    [
                        fun () -> pool.Wrap(Unchecked.defaultof<int -> int>) |> ignore
                        fun () -> pool.WrapFunc(Unchecked.defaultof<Func<int, int>>) |> ignore
                        fun () -> pool.Submit(Unchecked.defaultof<int -> int>, 1) |> ignore
                        fun () -> processed (Unchecked.defaultof<int -> int>) |> ignore
                    ]

                for check in checks do
                    let e = raises<ArgumentNullException> check
                    Expect.equal e.ParamName "f" "parameter"
            }
        ]
