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
        stream options ordered (nullInInput "tasks") (FromSeq tasks) id keep

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

    let mapWith options (f: 'a -> Task<'b>) (xs: seq<'a>) =
        Guard.notNull "f" f
        Guard.notNull "xs" xs
        stream options true nullFromFunction (FromSeq xs) f keep

    let map f xs = mapWith MapOptions.Default f xs

    let mapFrom options (f: 'a -> Task<'b>) (xs: TaskSeq<'a>) =
        Guard.notNull "f" f
        Guard.notNull "xs" xs
        stream options true nullFromFunction (FromTaskSeq xs) f keep

    let mapZipWith options (f: 'a -> Task<'b>) (xs: seq<'a>) =
        Guard.notNull "f" f
        Guard.notNull "xs" xs
        stream options false nullFromFunction (FromSeq xs) f pair

    let mapZip f xs = mapZipWith MapOptions.Default f xs

    let mapZipFrom options (f: 'a -> Task<'b>) (xs: TaskSeq<'a>) =
        Guard.notNull "f" f
        Guard.notNull "xs" xs
        stream options false nullFromFunction (FromTaskSeq xs) f pair

    let starmapWith options (f: 'a -> 'b -> Task<'c>) (pairs: seq<'a * 'b>) =
        Guard.notNull "f" f
        Guard.notNull "pairs" pairs

        let call (pair: 'a * 'b) =
            if isNull (box pair) then
                raise (ArgumentNullException("pairs", "The sequence holds a null pair."))

            let a, b = pair
            f a b

        stream options true nullFromFunction (FromSeq pairs) call keep

    let starmap f pairs = starmapWith MapOptions.Default f pairs

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
            taskOf
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
