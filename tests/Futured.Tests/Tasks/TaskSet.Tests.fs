module Futured.Tests.TaskSet

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "TaskSet"
        [
            property
                "a task set yields every task added before or during enumeration exactly once, in completion order"
                permutationsWithCut
            <| fun (perm, cut) ->
                task {
                    let n = perm.Length
                    let before = max 1 cut
                    let tcs = sources n
                    let set = new TaskSet<int>([ for t in tcs[.. before - 1] -> t.Task ])
                    let e = (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator()
                    let yielded = ResizeArray()

                    for step, i in Array.indexed perm do
                        let pending = e.MoveNextAsync()

                        // The rest join the set while the enumeration is already waiting.
                        if step = 0 then
                            for t in tcs[before..] do
                                set.Add t.Task

                        tcs[i].SetResult i
                        let! moved = pending

                        if moved then
                            yielded.Add e.Current

                    let! last = e.MoveNextAsync()
                    do! e.DisposeAsync()
                    do! set.DisposeAsync()

                    return
                        not last
                        && yielded.Count = n
                        && Seq.forall2 (fun (t: Task<int>) i -> obj.ReferenceEquals(t, tcs[i].Task)) yielded perm
                        && set.Count = 0
                }
                |> await'

            property
                "with a deadline, exactly the tasks completed before it are yielded, then TimeoutException"
                permutationsWithCut
            <| fun (perm, cut) ->
                task {
                    // Continuations run inside SetResult, so a completed task is in the set's queue when it returns.
                    let tcs = Array.init perm.Length (fun _ -> TaskCompletionSource<int>())
                    let set = TaskSet.within TimeSpan.Zero [ for t in tcs -> t.Task ]
                    let finished = perm[.. cut - 1]

                    for i in finished do
                        tcs[i].SetResult i

                    let! items, failure = collect set

                    let results = items |> List.map (fun (t: Task<int>) -> t.Result) |> List.sort

                    let timedOut =
                        match failure with
                        | Some(:? TimeoutException) -> true
                        | _ -> false

                    for t in tcs do
                        t.TrySetResult -1 |> ignore

                    do! set.DisposeAsync()

                    // With every task completed before the deadline, the enumeration simply ends.
                    return results = List.sort (List.ofArray finished) && (timedOut = (cut < perm.Length))
                }
                |> await'

            testTask "a deadline that passes while the enumeration waits throws TimeoutException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()

                    let set =
                        TaskSet.within (TimeSpan.FromMilliseconds 50.0) [ Task.FromResult 1; never.Task ]

                    let e = (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator()
                    let! first = next e
                    Expect.equal first.Result 1 "the completed task comes first"

                    let! _ =
                        throwsExactly<TimeoutException>((e.MoveNextAsync().AsTask()).WaitAsync generous)

                    do! ended e
                    Expect.equal set.Count 1 "the running task stays in the set"
                    never.SetResult 2
                    let! popped = set.Pop()
                    Expect.equal popped.Result 2 "and can still be popped"
                }

            testTask "the retry pattern: each failed task is re-added until it succeeds, every attempt accounted for"
            <| fun () ->
                task {
                    let attempts = Dictionary<int, int>()
                    let keyOf = Dictionary<Task<int>, int>(HashIdentity.Reference)

                    // Key k fails its first k % 3 attempts.
                    let flaky (key: int) =
                        let attempt = attempts.GetValueOrDefault key
                        attempts[key] <- attempt + 1

                        let work =
                            Task.Run(fun () ->
                                if attempt < key % 3 then
                                    raise (Boom $"{key}/{attempt}")
                                else
                                    key * 100)

                        keyOf[work] <- key
                        work

                    let set = new TaskSet<int>()
                    let results = ResizeArray()
                    let mutable failures = 0

                    lock keyOf (fun () ->
                        for key in 0..9 do
                            set.Add(flaky key))

                    do!
                        futured {
                            for finished in set do
                                if finished.IsFaulted then
                                    failures <- failures + 1

                                    Expect.isTrue
                                        (finished.Exception.InnerException :? Boom)
                                        "the flaky function's fault"

                                    lock keyOf (fun () -> set.Add(flaky keyOf[finished]))
                                else
                                    results.Add finished.Result
                        }

                    do! set.DisposeAsync()

                    Expect.equal
                        (List.sort (List.ofSeq results))
                        [ for k in 0..9 -> k * 100 ]
                        "every key succeeded once"

                    Expect.equal failures (List.sum [ for k in 0..9 -> k % 3 ]) "every failed attempt was seen"
                    Expect.equal (Seq.sum attempts.Values) (10 + failures) "one success per key plus the failures"
                }

            testTask "Pop waits for the next task to complete and removes it"
            <| fun () ->
                task {
                    let tcs = sources 2
                    let set = TaskSet.ofSeq [ tcs[0].Task; tcs[1].Task ]
                    Expect.equal set.Count 2 "two tasks"
                    let popped = set.Pop()
                    Expect.isFalse popped.IsCompleted "nothing has completed yet"
                    tcs[1].SetException(Boom "second")
                    let! first = popped
                    Expect.isTrue (obj.ReferenceEquals(first, tcs[1].Task)) "the completed task, fault not raised"
                    Expect.equal set.Count 1 "one left"
                    tcs[0].SetResult 0
                    let! second = set.Pop()
                    Expect.equal second.Result 0 "the other task"
                    Expect.equal set.Count 0 "empty"
                }

            testTask "a cancelled Pop leaves its task in the set"
            <| fun () ->
                task {
                    let tcs = sources 1
                    let set = TaskSet.ofSeq [ tcs[0].Task ]
                    use cts = new CancellationTokenSource()
                    let popped = set.Pop cts.Token
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> popped
                    Expect.equal set.Count 1 "still in the set"
                    tcs[0].SetResult 7
                    let! t = set.Pop()
                    Expect.equal t.Result 7 "popped later"
                }

            testTask "Pop on an empty set throws InvalidOperationException"
            <| fun () ->
                task {
                    let set = new TaskSet<int>()
                    raises<InvalidOperationException>(fun () -> set.Pop() |> ignore) |> ignore
                    set.Add(Task.FromResult 1)
                    let! _ = set.Pop()
                    raises<InvalidOperationException>(fun () -> set.Pop() |> ignore) |> ignore
                }

            testTask "enumerating an empty set ends at once"
            <| fun () ->
                task {
                    let! items = toList (new TaskSet<int>())
                    Expect.isEmpty items "nothing"
                }

            testTask "cancelling an enumeration throws OperationCanceledException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    let set = TaskSet.ofSeq [ never.Task ]
                    use cts = new CancellationTokenSource()
                    let e = (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator cts.Token
                    let move = e.MoveNextAsync().AsTask()
                    cts.Cancel()
                    let! _ = throws<OperationCanceledException> move
                    Expect.equal set.Count 1 "the task stays in the set"
                    never.SetResult 0
                }

            testTask "DisposeAsync waits for every running task, then refuses new ones"
            <| fun () ->
                task {
                    let tcs = sources 2
                    let set = TaskSet.ofSeq [ tcs[0].Task; tcs[1].Task ]
                    let disposing = set.DisposeAsync().AsTask()
                    tcs[0].SetResult 0
                    Expect.isFalse disposing.IsCompleted "one task still runs"
                    tcs[1].SetException(Boom "never taken")
                    do! disposing.WaitAsync generous

                    let e = raises<ObjectDisposedException>(fun () -> set.Add(Task.FromResult 2))

                    Expect.stringContains e.Message "disposed" "says why"
                }

            testTask "DisposeAsync completes however it races the last completion, over 10^5 rounds"
            <| fun () ->
                task {
                    let rounds = 100_000
                    let sources = Array.init rounds (fun _ -> TaskCompletionSource<int>())
                    let sets = Array.zeroCreate<TaskSet<int>> rounds
                    let pending = Collections.Concurrent.ConcurrentQueue<Task>()
                    // turn[0]: the round the main thread has started; turn[1]: the last round the other has done.
                    let turn = [| -1; -1 |]

                    let spinUntil (condition: unit -> bool) =
                        let mutable spin = SpinWait()

                        while not (condition ()) do
                            spin.SpinOnce()

                    // Round i: one thread completes the set's only task while the other disposes the set; the
                    // threads swap roles every round, so each order and every overlap of the two occurs.
                    let act i onMain =
                        if (i % 2 = 0) = onMain then
                            let disposal = sets[i].DisposeAsync()

                            if not disposal.IsCompleted then
                                pending.Enqueue(disposal.AsTask())
                        else
                            sources[i].SetResult i

                    let other =
                        Thread(
                            (fun () ->
                                for i in 0 .. rounds - 1 do
                                    spinUntil (fun () -> Volatile.Read &turn[0] >= i)
                                    act i false
                                    Volatile.Write(&turn[1], i)),
                            IsBackground = true
                        )

                    other.Start()

                    for i in 0 .. rounds - 1 do
                        spinUntil (fun () -> Volatile.Read &turn[1] >= i - 1)

                        if i > 0 then
                            sets[i - 1] <- Unchecked.defaultof<_>

                        sets[i] <- new TaskSet<int>([ sources[i].Task ])
                        Volatile.Write(&turn[0], i)
                        act i true

                    spinUntil (fun () -> Volatile.Read &turn[1] = rounds - 1)
                    let all = Task.WhenAll pending
                    let! first = Task.WhenAny(all, Task.Delay generous)

                    let stuck = pending |> Seq.filter (fun t -> not t.IsCompleted) |> Seq.length

                    Expect.isTrue (obj.ReferenceEquals(first, all)) $"{stuck} of {rounds} disposals never completed"
                }

            testTask "the deadline's clock starts at the first MoveNextAsync, not when the enumerator is made"
            <| fun () ->
                task {
                    let clock = ManualClock()
                    let never = TaskCompletionSource<int>()

                    let set =
                        new TaskSet<int>([ Task.FromResult 1; never.Task ], ValueSome(TimeSpan.FromSeconds 1.0), clock)

                    let e = (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator()
                    Expect.isFalse clock.Armed "no deadline runs before the first move"
                    let! first = next e
                    Expect.equal first.Result 1 "the completed task"
                    Expect.isTrue clock.Armed "the deadline runs from the first move"
                    let move = e.MoveNextAsync().AsTask()
                    clock.Fire()
                    let! _ = throwsExactly<TimeoutException> move
                    do! e.DisposeAsync()
                    Expect.equal set.Count 1 "the running task stays in the set"
                }

            testTask "a task set and a stream raise the same TimeoutException message"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>()
                    let timeout = TimeSpan.FromMilliseconds 1.0
                    let! _, fromSet = collect (TaskSet.within timeout [ never.Task ])
                    let! _, fromStream = collect (Futured.resultsWithin timeout [ never.Task ])

                    match fromSet, fromStream with
                    | Some(:? TimeoutException as a), Some(:? TimeoutException as b) ->
                        Expect.equal a.Message b.Message "one message"
                        Expect.stringContains a.Message (string timeout) "names the deadline"
                    | _ -> failtestf "expected two TimeoutExceptions, got %A and %A" fromSet fromStream
                }

            testTask "bad input is refused with the parameter named"
            <| fun () ->
                task {
                    let e =
                        raises<ArgumentNullException>(fun () -> TaskSet.ofSeq (null: seq<Task<int>>) |> ignore)

                    Expect.equal e.ParamName "tasks" "null sequence"

                    let e =
                        raises<ArgumentNullException>(fun () -> TaskSet.ofSeq [ (null: Task<int>) ] |> ignore)

                    Expect.equal e.ParamName "tasks" "null element"
                    let e = raises<ArgumentNullException>(fun () -> (new TaskSet<int>()).Add null)
                    Expect.equal e.ParamName "task" "null task"

                    let e =
                        raises<ArgumentOutOfRangeException>(fun () ->
                            TaskSet.within (TimeSpan.FromSeconds -1.0) [ Task.FromResult 1 ] |> ignore)

                    Expect.equal e.ParamName "timeout" "negative timeout"
                }
        ]
