namespace Futured.Internal

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Threading.Tasks

/// Results as they complete, for a pass that nothing can stop, with no bound, over a sequence: the first fill
/// starts every call, so the set of tasks is fixed from then on, and one Task.WhenEach over it needs no
/// continuation object per task. knownLength sizes the list of tasks (0 when unknown).
///
/// When the items are not the tasks themselves (a map), each task WhenEach yields is matched back to its item
/// by its place in the list of started tasks: calls complete roughly in the order they started (an executor's
/// FIFO queue), so the place is looked for a little ahead of the last one found and of the first not yet
/// taken, and a taken place is cleared. Only when it is not found there (completions far out of order) is a
/// dictionary from task to item built, once, over the places not yet taken.
[<Sealed>]
type internal TakeFixedSet<'a, 'b>(knownLength: int) =
    inherit Take<'a, 'b>()

    /// How far ahead of a place a completed task is looked for before the dictionary is built.
    [<Literal>]
    let Lookahead = 64

    let itemsCanBeTasks = typeof<'a> = typeof<Task<'b>>
    // Every started task in input order, and their items (null while every item is its own task, as for
    // asCompleted).
    let mutable startedTasks: ResizeArray<Task<'b>> = null
    let mutable startedItems: ResizeArray<'a> = null
    let mutable whenEach: IAsyncEnumerator<Task<'b>> = null
    // The first place not yet taken, and the place after the last one found.
    let mutable cursor = 0
    let mutable hint = 0
    // The item of each task, and the items of tasks that appear more than once (built when a task is not found
    // near the places above).
    let mutable itemOf: Dictionary<Task<'b>, 'a> = null
    let mutable repeatedItemsOf: Dictionary<Task<'b>, Queue<'a>> = null
    // The WhenEach move being waited for, and the outcome of one waited for but not yet taken.
    let mutable move = ValueTask<bool>()
    let mutable movePending = false
    let mutable moved = ValueNone

    /// Maps each task not yet taken back to its item.
    let buildItemOf () =
        itemOf <- Dictionary<Task<'b>, 'a>(startedTasks.Count - cursor, HashIdentity.Reference)

        for i in cursor .. startedTasks.Count - 1 do
            let work, item = startedTasks[i], startedItems[i]

            if not (isNull work) && not (itemOf.TryAdd(work, item)) then
                if isNull repeatedItemsOf then
                    repeatedItemsOf <- Dictionary<Task<'b>, Queue<'a>>(HashIdentity.Reference)

                match repeatedItemsOf.TryGetValue work with
                | true, items -> items.Enqueue item
                | _ ->
                    let items = Queue<'a>()
                    items.Enqueue item
                    repeatedItemsOf[work] <- items

        startedItems <- null

    /// Makes the one Task.WhenEach over the started tasks.
    let fixSet () =
        let tasks: ReadOnlySpan<Task<'b>> =
            Span<Task<'b>>.op_Implicit(CollectionsMarshal.AsSpan startedTasks)

        whenEach <- Task.WhenEach(tasks).GetAsyncEnumerator()

    /// The place of work among the started tasks not yet taken, looked for a little ahead of the place after
    /// the last one found, then of the first place not taken; -1 when it is not there.
    let near (work: Task<'b>) =
        let tasks = CollectionsMarshal.AsSpan startedTasks
        let mutable found = -1
        let mutable i = hint
        let mutable last = min tasks.Length (hint + Lookahead)

        while found < 0 && i < last do
            if obj.ReferenceEquals(tasks[i], work) then
                found <- i

            i <- i + 1

        if found < 0 && hint <> cursor then
            i <- cursor
            last <- min tasks.Length (cursor + Lookahead)

            while found < 0 && i < last do
                if obj.ReferenceEquals(tasks[i], work) then
                    found <- i

                i <- i + 1

        found

    /// The input item a completed task was started for.
    let itemFor (work: Task<'b>) : 'a =
        if isNull itemOf && isNull startedItems then
            unbox<'a>(box work)
        else
            let found = if isNull itemOf then near work else -1

            if found >= 0 then
                let item = startedItems[found]
                startedTasks[found] <- null
                startedItems[found] <- Unchecked.defaultof<'a>
                hint <- found + 1

                while cursor < startedTasks.Count && isNull startedTasks[cursor] do
                    cursor <- cursor + 1

                item
            else
                if isNull itemOf then
                    buildItemOf ()

                match
                    (if isNull repeatedItemsOf then
                         null
                     else
                         match repeatedItemsOf.TryGetValue work with
                         | true, items when items.Count > 0 -> items
                         | _ -> null)
                with
                | null -> itemOf[work]
                | items -> items.Dequeue()

    member private this.FromMove(hasNext: bool, item: outref<'a>, work: outref<Task<'b>>) =
        if hasNext then
            let next = whenEach.Current
            this.InWindow <- this.InWindow - 1
            item <- itemFor next
            work <- next
            Yielded
        else
            Finished

    override this.Add(item, work) =
        this.InWindow <- this.InWindow + 1

        if isNull startedTasks then
            startedTasks <- ResizeArray(knownLength)

        // `box item` runs only when 'a is Task<'b>, a reference type: it allocates nothing.
        if
            isNull startedItems
            && not (itemsCanBeTasks && obj.ReferenceEquals(box item, work))
        then
            startedItems <- ResizeArray(startedTasks.Capacity)

            // Every earlier item was its own task.
            for t in startedTasks do
                startedItems.Add(unbox<'a>(box t))

        startedTasks.Add work

        if not (isNull startedItems) then
            startedItems.Add item

    override _.InputEnded() =
        if isNull whenEach && not (isNull startedTasks) then
            fixSet ()

    override this.TryTakeWork(inputEnded, item, work) =
        if isNull whenEach then
            if this.InWindow = 0 && inputEnded then
                Finished
            else
                Pending
        elif movePending then
            Pending
        else
            match moved with
            | ValueSome hasNext ->
                moved <- ValueNone
                this.FromMove(hasNext, &item, &work)
            | ValueNone ->
                let next = whenEach.MoveNextAsync()

                if next.IsCompletedSuccessfully then
                    this.FromMove(next.Result, &item, &work)
                else
                    move <- next
                    movePending <- true
                    Pending

    override _.Wait(_, _) =
        if movePending then
            OnMove move
        else
            OnTask Task.CompletedTask

    override _.Moved hasNext =
        movePending <- false
        moved <- ValueSome hasNext

    // The set has no continuation of its own on each task: the ones not taken are observed.
    override _.Abandon() =
        if not (isNull startedTasks) then
            for work in startedTasks do
                Observe.task work

            startedTasks <- null

    override _.Dispose() =
        // A WhenEach move still waiting keeps its enumerator, which needs no disposal of its own.
        if not (isNull whenEach) && not movePending then
            let disposing = whenEach.DisposeAsync()

            if not disposing.IsCompleted then
                Observe.task (disposing.AsTask())
