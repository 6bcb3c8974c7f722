namespace Futured.Internal

open System.Threading.Channels
open System.Threading.Tasks

/// Results as they complete: each call's own continuation writes it to an unbounded single-reader channel, so
/// the work per completion is O(1).
[<Sealed>]
type internal TakeAsCompleted<'a, 'b>() =
    inherit Take<'a, 'b>()

    let completions =
        Channel.CreateUnbounded<struct ('a * Task<'b>)>(UnboundedChannelOptions(SingleReader = true))

    override this.Add(item, work) =
        this.InWindow <- this.InWindow + 1

        if work.IsCompleted then
            if work.IsFaulted then
                work.Exception |> ignore

            completions.Writer.TryWrite(struct (item, work)) |> ignore
        else
            let writer = completions.Writer

            work
                .ConfigureAwait(false)
                .GetAwaiter()
                .UnsafeOnCompleted(fun () ->
                    // Observed here so that a fault abandoned by an early stop never goes unobserved.
                    if work.IsFaulted then
                        work.Exception |> ignore

                    writer.TryWrite(struct (item, work)) |> ignore)

    override this.TryTakeWork(inputEnded, item, work) =
        let mutable ready = Unchecked.defaultof<_>

        if completions.Reader.TryRead(&ready) then
            let struct (readyItem, readyWork) = ready
            this.InWindow <- this.InWindow - 1
            item <- readyItem
            work <- readyWork
            Yielded
        elif this.InWindow = 0 && inputEnded then
            Finished
        else
            Pending

    override _.Wait(pendingMove, token) =
        if isNull pendingMove && not token.CanBeCanceled then
            // Only a completion can come (no input move, nothing can stop the pass): wait on the channel's own
            // reusable operation instead of a task made from it for every wait.
            OnMove(completions.Reader.WaitToReadAsync())
        else
            Take<'a, 'b>.Progress(completions.Reader.WaitToReadAsync(token).AsTask(), pendingMove, token)

    // Each call's continuation observes its fault.
    override _.Abandon() = ()
