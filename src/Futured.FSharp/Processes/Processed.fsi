namespace Futured

open System
open System.Threading
open System.Threading.Tasks

/// <summary>
/// An executor that runs functions in up to <c>maxWorkers</c> long-lived worker processes, started on
/// demand; further calls queue in FIFO order.
/// </summary>
/// <remarks>
/// <para>A worker is the current application restarted with a .NET startup hook (this library's
/// assembly) that serves calls instead of running <c>Main</c>; it loads the function's assembly once
/// and serves many calls, one at a time. What a worker prints (standard output or error) appears on this
/// process's standard error.</para>
/// <para>Arguments and results cross as JSON (System.Text.Json with FSharp.SystemTextJson), and a value
/// either arrives exactly as it was sent or its call faults with a <c>NotSupportedException</c> naming the
/// type (before the function runs when the declared argument or result type is refused; in the worker, as a
/// <see cref="T:Futured.RemoteException"/>, when a value is refused there). What crosses: primitives,
/// strings, <c>decimal</c> (with its scale), <c>float</c> including <c>NaN</c> and <c>±Infinity</c>,
/// <c>DateTime</c> (ticks and <c>Kind</c>), <c>DateTimeOffset</c> (with its offset), <c>Guid</c>,
/// <c>byte[]</c> and other arrays, F# records, unions, options (<c>Some None</c> included), tuples, lists,
/// maps and sets, .NET collections and dictionaries (declared as an interface such as
/// <c>IEnumerable&lt;T&gt;</c>, they arrive as <c>List&lt;T&gt;</c> or <c>Dictionary&lt;K, V&gt;</c>), and
/// classes and structs (a C# class included) whose state is public: every public field and every public
/// property that can be read can also be set back, through a public setter (or <c>init</c>) or a parameter of
/// the constructor the serializer uses (a public parameterless one, or one whose parameters match the members),
/// and every non-public field backs one of those members. Refused, naming the type: interfaces that are not
/// collections, abstract classes, <c>obj</c>, delegates and F# functions, a stack (it would arrive reversed),
/// a class with state the serializer cannot set back (a private setter, a get-only property without a
/// matching constructor parameter, a private field of its own), a value of a subclass where its base class is
/// declared (only the base class's members would cross), a string or <c>char</c> holding an unpaired
/// surrogate (JSON text cannot carry it), and anything System.Text.Json itself does not support. A frame of
/// the channel carries at most 1 GiB of JSON; a larger argument or result faults its call, naming the type.</para>
/// <para>Only functions without captured state may cross: an F# top-level function passed as a value,
/// a lambda that captures nothing, a C# static method or a C# lambda that captures nothing (through
/// the C# facade, which describes the delegate itself). Precisely: the function object's class has no instance fields and comes from an
/// assembly loaded from a file. Closures over local values, partial applications, methods bound to an
/// object with fields, and functions defined in F# scripts (dynamic assemblies) are refused when
/// wrapped. The worker has its own copy of every static value.</para>
/// <para>A call that raises in the worker faults with <see cref="T:Futured.RemoteException"/>; a call
/// whose worker dies faults with <see cref="T:Futured.WorkerCrashedException"/> and the worker is
/// replaced; an argument or result the serializer refuses faults the call with the serializer's
/// message (locally with the serializer's own exception, in the worker as a
/// <see cref="T:Futured.RemoteException"/>).</para>
/// <para>The channel to a worker belongs to the library alone (Linux): before any user code runs, the worker
/// moves it to private close-on-exec descriptors, gives user code an empty standard input and a standard
/// output that goes to this process's standard error, and leads a process group of its own. So the function
/// may print, write to <c>Console.OpenStandardOutput()</c>, call native <c>printf</c>, start processes that
/// inherit its standard streams, or read standard input, and the calls go on. Every reply is checked (its
/// length against the 1 GiB cap, its kind, its function id and call number): anything else faults that call
/// with a <see cref="T:Futured.WorkerCrashedException"/> and the worker is killed and replaced. A worker that
/// dies is noticed through its exit even while a process it started still holds its pipes; that call faults
/// with <see cref="T:Futured.WorkerCrashedException"/>, and what the worker left running in its process
/// group is killed. An exception whose <c>Message</c> getter throws still arrives, as a
/// <see cref="T:Futured.RemoteException"/> naming its type.</para>
/// <para>Cancelling a queued call removes it from the queue; cancelling a running call kills its worker
/// (which is replaced) and cancels the task.</para>
/// <para><c>Dispose</c>/<c>DisposeAsync</c> stops accepting work, waits for the calls already accepted,
/// then closes every worker's channel and kills any worker still running after a grace
/// period. A worker also exits by itself when its channel ends, so workers never outlive
/// the parent process, even when it is killed.</para>
/// </remarks>
[<Sealed>]
type Processed =
    /// <summary>Creates a worker-process executor; no process starts until the first call.</summary>
    /// <param name="maxWorkers">The most worker processes (and calls running at once).</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    new: maxWorkers: int -> Processed

    /// <summary>Creates a worker-process executor whose workers start now, when <c>prestart</c> is true.</summary>
    /// <remarks>With <c>prestart</c>, all <c>maxWorkers</c> worker processes are started before the
    /// constructor returns (it does not wait for them to be ready): their runtimes start, and each warms up
    /// its serializer, side by side while the caller goes on, so the first calls do not wait for a worker to
    /// start. Without it (the default), a worker starts when a call needs one. Either way, disposing the
    /// executor ends every worker. Usable from C# as an optional parameter:
    /// <c>new Processed(4, prestart: true)</c>.</remarks>
    /// <param name="maxWorkers">The most worker processes (and calls running at once).</param>
    /// <param name="prestart">Whether to start every worker now instead of on demand.</param>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    /// <exception cref="T:System.InvalidOperationException">When <c>prestart</c> is true and this application
    /// cannot be restarted as a worker process (startup hooks turned off, a single-file application); the
    /// workers already started are killed.</exception>
    new:
        maxWorkers: int *
        [<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(false)>] prestart:
            bool ->
            Processed

    /// <summary>The most worker processes, and calls running at once.</summary>
    member MaxWorkers: int

    /// <summary>Wraps a function so that each call runs in a worker process and returns a task of its result.</summary>
    /// <param name="f">A function without captured state (see the remarks on <see cref="T:Futured.Processed"/>).</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state or comes from a dynamic
    /// assembly; the message says why and what to do instead.</exception>
    member Wrap: f: ('a -> 'b) -> ('a -> Task<'b>)

    /// <summary>Wraps a function so that each call runs in a worker process and takes a cancellation token: the
    /// token removes the call while it is queued, and kills (and replaces) its worker while it runs.</summary>
    /// <param name="f">A function without captured state (see the remarks on <see cref="T:Futured.Processed"/>);
    /// it does not receive the token: cancelling the call ends its worker process.</param>
    /// <returns>A function whose calls queue on this executor; a call whose token is cancelled ends with an
    /// <see cref="T:System.OperationCanceledException"/>.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state or comes from a dynamic
    /// assembly; the message says why and what to do instead.</exception>
    member WrapCancellable: f: ('a -> 'b) -> ('a -> CancellationToken -> Task<'b>)

    /// <summary>Wraps a delegate (a static method, or a lambda that captures nothing) for worker processes.</summary>
    /// <param name="f">A delegate without captured state.</param>
    /// <returns>A delegate whose calls queue on this executor.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state, is multicast, generic or
    /// generated at run time.</exception>
    member internal WrapFunc: f: Func<'a, 'b> -> Func<'a, Task<'b>>

    /// <summary>Runs one call in a worker process.</summary>
    /// <param name="f">A function without captured state.</param>
    /// <param name="argument">Its argument, serialised to the worker as JSON.</param>
    /// <param name="cancellationToken">Removes the call while it is queued; kills (and replaces) its worker
    /// while it runs. Either way the task is cancelled.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> is null.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>f</c> captures state or comes from a dynamic assembly.</exception>
    member Submit: f: ('a -> 'b) * argument: 'a * ?cancellationToken: CancellationToken -> Task<'b>

    /// <summary>Stops accepting work, waits for every accepted call, then ends every worker process.</summary>
    /// <returns>A task that completes when no worker process is left.</returns>
    member DisposeAsync: unit -> ValueTask

    /// <summary>
    /// Runs <c>body value</c> for each value in a child process of its own (one call, then the process
    /// exits), at most <c>maxWorkers</c> at once, taking values lazily; the same as <c>forked</c>, for
    /// delegates (a static method or a lambda that captures nothing).
    /// </summary>
    /// <param name="values">The values, consumed lazily and serialised to the children as JSON.</param>
    /// <param name="body">The body without captured state.</param>
    /// <param name="maxWorkers">The most children running at once.</param>
    /// <param name="cancellationToken">Kills the running children (with their process groups) and starts no
    /// further value; the task is then cancelled once every running child has exited.</param>
    /// <returns>A task that completes when every child has exited, faulted with a
    /// <see cref="T:Futured.ForkedException"/> for the first child that failed.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>values</c> or <c>body</c> is null.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>maxWorkers</c> is zero or negative.</exception>
    /// <exception cref="T:System.ArgumentException">When <c>body</c> captures state.</exception>
    static member internal Fork:
        values: seq<'a> * body: Action<'a> * maxWorkers: int * cancellationToken: CancellationToken -> Task

    /// The process ids of the live workers.
    member internal WorkerIds: int[]

    interface IDisposable
    interface IAsyncDisposable
