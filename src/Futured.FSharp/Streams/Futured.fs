namespace Futured

open System
open System.Threading
open System.Threading.Tasks
open Futured.Internal

[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Futured =

    /// What a null task in the input of the results family and of items stands for.
    let private nullInInput name =
        struct (name, "The sequence holds a null task.")

    /// What a null task returned by the mapped function stands for.
    let private nullFromFunction = struct ("f", "The function returned a null task.")

    let private stream (options: MapOptions) ordered (struct (nullParameter, nullMessage)) input start project =
        MapOptions.validate options

        Stream(
            {
                Input = input
                Start = start
                Project = project
                Ordered =
                    (match options.Order with
                     | Some o -> o = Order.InOrder
                     | None -> ordered)
                Window = defaultArg options.MaxConcurrency Int32.MaxValue
                Timeout = ValueOption.ofOption options.Timeout
                CancellationToken = options.CancellationToken
                Clock = TimeProvider.System
                NullTaskParameter = nullParameter
                NullTaskMessage = nullMessage
            }
        )
        :> TaskSeq<_>

    let private keep _ result = result
    let private pair item result = (item, result)

    let private within timeout =
        { MapOptions.Default with
            Timeout = Some timeout
        }

    let private tasksOf ordered options (tasks: seq<Task<'T>>) =
        Guard.notNull "tasks" tasks
        stream options ordered (nullInInput "tasks") (FromSeq tasks) (Plain id) keep

    let results tasks = tasksOf true MapOptions.Default tasks

    let resultsWithin timeout tasks =
        Guard.timeout "timeout" timeout
        tasksOf true (within timeout) tasks

    let asCompleted tasks = tasksOf false MapOptions.Default tasks

    let asCompletedWithin timeout tasks =
        Guard.timeout "timeout" timeout
        tasksOf false (within timeout) tasks

    let resultsWith options tasks =
        tasksOf true { options with MaxConcurrency = None } tasks

    let asCompletedWith options tasks =
        tasksOf false { options with MaxConcurrency = None } tasks

    /// One function of the map family: checks the function and the input, then streams calls of the function.
    let private mapping options ordered (f: obj) (call: Call<'a, 'b>) (input: Input<'a>) inputParameter project =
        Guard.notNull "f" f

        match input with
        | FromSeq xs -> Guard.notNull inputParameter xs
        | FromTaskSeq xs -> Guard.notNull inputParameter xs

        stream options ordered nullFromFunction input call project

    let mapWith options (f: 'a -> Task<'b>) (xs: seq<'a>) =
        mapping options true f (Plain f) (FromSeq xs) "xs" keep

    let map f xs = mapWith MapOptions.Default f xs

    let mapFrom options (f: 'a -> Task<'b>) (xs: TaskSeq<'a>) =
        mapping options true f (Plain f) (FromTaskSeq xs) "xs" keep

    let mapZipWith options (f: 'a -> Task<'b>) (xs: seq<'a>) =
        mapping options false f (Plain f) (FromSeq xs) "xs" pair

    let mapZip f xs = mapZipWith MapOptions.Default f xs

    let mapZipFrom options (f: 'a -> Task<'b>) (xs: TaskSeq<'a>) =
        mapping options false f (Plain f) (FromTaskSeq xs) "xs" pair

    let mapCancellableWith options (f: 'a -> CancellationToken -> Task<'b>) (xs: seq<'a>) =
        mapping options true f (WithToken f) (FromSeq xs) "xs" keep

    let mapCancellable f xs =
        mapCancellableWith MapOptions.Default f xs

    let mapCancellableFrom options (f: 'a -> CancellationToken -> Task<'b>) (xs: TaskSeq<'a>) =
        mapping options true f (WithToken f) (FromTaskSeq xs) "xs" keep

    let mapZipCancellableWith options (f: 'a -> CancellationToken -> Task<'b>) (xs: seq<'a>) =
        mapping options false f (WithToken f) (FromSeq xs) "xs" pair

    let mapZipCancellable f xs =
        mapZipCancellableWith MapOptions.Default f xs

    let mapZipCancellableFrom options (f: 'a -> CancellationToken -> Task<'b>) (xs: TaskSeq<'a>) =
        mapping options false f (WithToken f) (FromTaskSeq xs) "xs" pair

    /// A null pair stands for a null input.
    let private nullPair () =
        raise (ArgumentNullException("pairs", "The sequence holds a null pair."))

    let starmapWith options (f: 'a -> 'b -> Task<'c>) (pairs: seq<'a * 'b>) =
        let call (pair: 'a * 'b) =
            if isNull (box pair) then
                nullPair ()

            let a, b = pair
            f a b

        mapping options true f (Plain call) (FromSeq pairs) "pairs" keep

    let starmap f pairs = starmapWith MapOptions.Default f pairs

    let starmapCancellableWith options (f: 'a -> 'b -> CancellationToken -> Task<'c>) (pairs: seq<'a * 'b>) =
        let call (pair: 'a * 'b) token =
            if isNull (box pair) then
                nullPair ()

            let a, b = pair
            f a b token

        mapping options true f (WithToken call) (FromSeq pairs) "pairs" keep

    let starmapCancellable f pairs =
        starmapCancellableWith MapOptions.Default f pairs

    let itemsWith options (pairs: seq<'k * Task<'v>>) =
        Guard.notNull "pairs" pairs

        // A null pair stands for a null task: either way the key has no task.
        let taskOf (pair: 'k * Task<'v>) =
            if isNull (box pair) then null else snd pair

        stream
            { options with MaxConcurrency = None }
            false
            (nullInInput "pairs")
            (FromSeq pairs)
            (Plain taskOf)
            (fun (key, _) value -> (key, value))

    let items pairs = itemsWith MapOptions.Default pairs

    let run (task: Task<'T>) =
        Guard.notNull "task" task
        task.GetAwaiter().GetResult()

    let iter (source: TaskSeq<'T>) =
        Guard.notNull "source" source

        seq {
            let e = source.GetAsyncEnumerator(CancellationToken.None)

            try
                while e.MoveNextAsync().AsTask().GetAwaiter().GetResult() do
                    yield e.Current
            finally
                e.DisposeAsync().AsTask().GetAwaiter().GetResult()
        }
