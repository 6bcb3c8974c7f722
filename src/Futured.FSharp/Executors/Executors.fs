namespace Futured

open System
open System.Threading
open System.Threading.Tasks
open Futured.Internal

type IExecutor =
    abstract Submit<'T> : work: (unit -> 'T) * cancellationToken: CancellationToken -> Task<'T>

module internal Start =
    /// Starts an asynchronous call, turning a synchronous throw or a null task into a faulted task.
    let guarded (f: unit -> Task<'b>) : Task<'b> =
        try
            match f () with
            | null ->
                Task.FromException<'b>(
                    InvalidOperationException "The asynchronous function returned null instead of a task."
                )
            | t -> t
        with e ->
            Task.FromException<'b> e

[<Sealed>]
type Threaded(maxWorkers: int) =
    do Guard.positive "maxWorkers" maxWorkers
    let limiter = Limiter(maxWorkers, nameof Threaded)

    member _.MaxWorkers = maxWorkers

    member this.Wrap(f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> this.Submit(fun () -> f x)

    member _.Submit(f: unit -> 'b, ?cancellationToken: CancellationToken) : Task<'b> =
        Guard.notNull "f" f
        let ct = defaultArg cancellationToken CancellationToken.None
        limiter.Run((fun () -> Task.Run<'b>(Func<'b> f, ct)), ct)

    interface IExecutor with
        member this.Submit(work, cancellationToken) =
            Guard.notNull "work" work
            this.Submit(work, cancellationToken)

    member _.DisposeAsync() = ValueTask(limiter.Close())

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

    interface IDisposable with
        member _.Dispose() =
            limiter.Close().GetAwaiter().GetResult()

[<Sealed>]
type Asynced(maxConcurrency: int) =
    do Guard.positive "maxConcurrency" maxConcurrency
    let limiter = Limiter(maxConcurrency, nameof Asynced)

    member _.MaxConcurrency = maxConcurrency

    member this.Wrap(f: 'a -> Task<'b>) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> this.Submit(fun () -> f x)

    member _.Submit(f: unit -> Task<'b>, ?cancellationToken: CancellationToken) : Task<'b> =
        Guard.notNull "f" f
        limiter.Run((fun () -> Start.guarded f), defaultArg cancellationToken CancellationToken.None)

    interface IExecutor with
        member _.Submit(work, cancellationToken) =
            Guard.notNull "work" work
            limiter.Run((fun () -> Task.Run<_>(Func<_> work, cancellationToken)), cancellationToken)

    member _.DisposeAsync() = ValueTask(limiter.Close())

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

    interface IDisposable with
        member _.Dispose() =
            limiter.Close().GetAwaiter().GetResult()

[<AutoOpen>]
module Executors =

    let threaded (f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        // One delegate for every call, the argument passed as the task's state: Task.Run's scheduling
        // (default scheduler, no child attachment) without a closure and a delegate per call.
        let call = Func<obj, 'b>(fun state -> f (unbox<'a> state))

        fun x ->
            Task.Factory.StartNew<'b>(
                call,
                box x,
                CancellationToken.None,
                TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default
            )

    let asynced (f: 'a -> Task<'b>) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> Start.guarded (fun () -> f x)
