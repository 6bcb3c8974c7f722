namespace Futured.Internal

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Threading.Tasks

/// Results as they complete, for a pass that nothing can stop, with no bound, over a sequence: the first fill
/// starts every call, so the set of tasks is fixed from then on, and one Task.WhenEach over it needs no
/// continuation object per task. knownLength sizes the list of tasks (0 when unknown).
[<Sealed>]
type internal TakeFixedSet<'a, 'b>(knownLength: int) =
    inherit Take<'a, 'b>()
    let itemsCanBeTasks = typeof<'a> = typeof<Task<'b>>
    // Every started task in input order, and their items (null while every item is its own task, as for
    // asCompleted).
    let mutable startedTasks: ResizeArray<Task<'b>> = null
    let mutable startedItems: ResizeArray<'a> = null
    let mutable whenEach: IAsyncEnumerator<Task<'b>> = null
    // The item of each task, and the items of tasks that appear more than once.
    let mutable itemOf: Dictionary<Task<'b>, 'a> = null
    let mutable repeatedItemsOf: Dictionary<Task<'b>, Queue<'a>> = null
    // The WhenEach move being waited for, and the outcome of one waited for but not yet taken.
    let mutable move = ValueTask<bool>()
    let mutable movePending = false
    let mutable moved = ValueNone

    /// Maps each task back to its item, then makes the one Task.WhenEach.
    let fixSet () =
        if not (isNull startedItems) then
            itemOf <- Dictionary<Task<'b>, 'a>(startedTasks.Count, HashIdentity.Reference)

            for i in 0 .. startedTasks.Count - 1 do
                let work, item = startedTasks[i], startedItems[i]

                if not (itemOf.TryAdd(work, item)) then
                    if isNull repeatedItemsOf then
                        repeatedItemsOf <- Dictionary<Task<'b>, Queue<'a>>(HashIdentity.Reference)

                    match repeatedItemsOf.TryGetValue work with
                    | true, items -> items.Enqueue item
                    | _ ->
                        let items = Queue<'a>()
                        items.Enqueue item
                        repeatedItemsOf[work] <- items

            startedItems <- null

        let tasks: ReadOnlySpan<Task<'b>> =
            Span<Task<'b>>.op_Implicit(CollectionsMarshal.AsSpan startedTasks)

        whenEach <- Task.WhenEach(tasks).GetAsyncEnumerator()

    /// The input item a completed task was started for.
    let itemFor (work: Task<'b>) : 'a =
        if isNull itemOf then
            unbox<'a>(box work)
        else
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

    override this.TryTake(inputEnded, item, work) =
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
