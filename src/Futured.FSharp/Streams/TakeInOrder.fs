namespace Futured.Internal

open System.Collections.Generic
open System.Threading.Tasks

/// Results in input order: the started calls wait in a queue, and only its head can be taken. capacity sizes the
/// queue once (the window, or the length of a collection input), so that a large run does not regrow and recopy
/// it onto the large object heap.
[<Sealed>]
type internal TakeInOrder<'a, 'b>(capacity: int) =
    inherit Take<'a, 'b>()
    let queue = Queue<struct ('a * Task<'b>)>(capacity)

    override this.Add(item, work) =
        this.InWindow <- this.InWindow + 1
        queue.Enqueue(struct (item, work))

    override this.TryTakeWork(inputEnded, item, work) =
        if queue.Count > 0 then
            let struct (head, headWork) = queue.Peek()

            if headWork.IsCompleted then
                queue.Dequeue() |> ignore
                this.InWindow <- this.InWindow - 1
                item <- head
                work <- headWork
                Yielded
            else
                Pending
        elif inputEnded then
            Finished
        else
            Pending

    override _.Wait(pendingMove, token) =
        // With nothing started yet (an asynchronous input still waiting), only the input can progress.
        let head: Task =
            if queue.Count = 0 then
                null
            else
                let struct (_, headWork) = queue.Peek()
                headWork

        Take<'a, 'b>.Progress(head, pendingMove, token)

    override _.Abandon() =
        for struct (_, work) in queue do
            Observe.task work

        queue.Clear()
