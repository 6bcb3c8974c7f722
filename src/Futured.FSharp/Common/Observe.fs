namespace Futured.Internal

open System.Threading.Tasks

/// Marks task faults as observed so that abandoned work never raises TaskScheduler.UnobservedTaskException.
module internal Observe =

    let private observer = System.Action<Task>(fun t -> t.Exception |> ignore)

    /// Observes the fault of the task now if it has completed, otherwise when it completes.
    let task (t: Task) =
        if isNull t then
            ()
        elif t.IsCompleted then
            t.Exception |> ignore
        else
            t.ContinueWith(
                observer,
                System.Threading.CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously
                ||| TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default
            )
            |> ignore

    /// The exception a completed, unsuccessful task stands for: its single original fault, the
    /// AggregateException when it holds several, or TaskCanceledException when it was cancelled.
    let faultOf (work: Task) : exn =
        if work.IsFaulted then
            let inner = work.Exception.InnerExceptions
            if inner.Count = 1 then inner[0] else work.Exception :> exn
        else
            TaskCanceledException work :> exn
