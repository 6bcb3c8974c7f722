namespace Futured

open System
open System.Threading
open System.Threading.Tasks
open Futured.Internal

type IExecutor =
    // EditorBrowsable(Never) here and on the F#-shaped Wrap/Submit/Start members, but never in the .fsi: C#
    // completion hides the member (the facade offers delegate forms), F# completion reads the .fsi and still
    // offers it. See the README's Decisions and tests/Futured.Tests/PublicSurface.Tests.fs.
    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    abstract Submit<'T> : work: (unit -> 'T) * cancellationToken: CancellationToken -> Task<'T>

/// The call of a `unit -> 'b` passed as a task's state: one delegate per result type, none per call.
[<AbstractClass; Sealed>]
type internal Thunk<'b> private () =
    static member val Call = Func<obj, 'b>(fun state -> (state :?> unit -> 'b) ())

[<Sealed>]
type Threaded internal (maxWorkers: int, idleTime: TimeSpan) =
    do Guard.positive "maxWorkers" maxWorkers
    let pool = OwnThreads(maxWorkers, idleTime, true, nameof Threaded)

    new(maxWorkers: int) = new Threaded(maxWorkers, OwnThreads.DefaultIdleTime)

    member _.MaxWorkers = maxWorkers

    member internal _.Pool = pool

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member _.Wrap(f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        PoolFunction<'a, 'b>(pool, f).AsFunction

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member _.Submit(f: unit -> 'b, ?cancellationToken: CancellationToken) : Task<'b> =
        Guard.notNull "f" f
        pool.Run(Thunk<'b>.Call, box f, defaultArg cancellationToken CancellationToken.None)

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.WrapCancellable(f: 'a -> CancellationToken -> 'b) : 'a -> CancellationToken -> Task<'b> =
        Guard.notNull "f" f
        fun x token -> this.Submit((fun () -> f x token), token)

    interface IExecutor with
        member this.Submit(work, cancellationToken) =
            Guard.notNull "work" work
            this.Submit(work, cancellationToken)

    member _.DisposeAsync() = ValueTask(pool.Close())

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()

    interface IDisposable with
        member _.Dispose() = pool.Close().GetAwaiter().GetResult()

[<Sealed>]
type Asynced(maxConcurrency: int) =
    do Guard.positive "maxConcurrency" maxConcurrency
    let limiter = Limiter(maxConcurrency, nameof Asynced)

    member _.MaxConcurrency = maxConcurrency

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.Wrap(f: 'a -> Task<'b>) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> this.Submit(fun () -> f x)

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member _.Submit(f: unit -> Task<'b>, ?cancellationToken: CancellationToken) : Task<'b> =
        Guard.notNull "f" f

        limiter.Run(
            (fun () -> Start.guarded Start.nullFromFunction f),
            defaultArg cancellationToken CancellationToken.None
        )

    [<System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)>]
    member this.WrapCancellable(f: 'a -> CancellationToken -> Task<'b>) : 'a -> CancellationToken -> Task<'b> =
        Guard.notNull "f" f
        fun x token -> this.Submit((fun () -> f x token), token)

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

    let internal threadedOn (pool: OwnThreads) (f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        PoolFunction<'a, 'b>(pool, f).AsFunction

    let threaded (f: 'a -> 'b) : 'a -> Task<'b> =
        Guard.notNull "f" f
        // The pool starts no thread before the first call, and its threads retire when idle: a wrapper
        // needs no disposal.
        threadedOn (OwnThreads(OwnThreads.ThreadedBound, OwnThreads.DefaultIdleTime, false, "threaded")) f

    let asynced (f: 'a -> Task<'b>) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> Start.guarded Start.nullFromFunction (fun () -> f x)

    let asyncedOfValueTask (f: 'a -> ValueTask<'b>) : 'a -> Task<'b> =
        Guard.notNull "f" f
        fun x -> Start.guarded Start.nullFromFunction (fun () -> (f x).AsTask())

    let asyncedOfAsync (f: 'a -> Async<'b>) : 'a -> CancellationToken -> Task<'b> =
        Guard.notNull "f" f

        fun x token ->
            Start.guarded
                (fun () -> InvalidOperationException "The function returned null instead of an Async.")
                (fun () ->
                    let work = f x

                    if isNull (box work) then
                        null
                    else
                        Async.StartImmediateAsTask(work, token))
