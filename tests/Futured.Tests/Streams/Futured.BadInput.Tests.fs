/// Bad input gets a clear error: a null task raises ArgumentNullException naming the parameter at its place in every
/// stream, and every timeout follows one rule (Timeout.InfiniteTimeSpan is no deadline; a negative one or one
/// beyond the timer limit, such as TimeSpan.MaxValue, is refused naming the parameter or the option).
module Futured.Tests.Futured.BadInput

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// A stream with a null task at position 2 (of 1, 2, 3), read to its end: what it yielded and what ended it.
type NullCase =
    {
        Name: string
        Parameter: string
        Ordered: bool
        Run: unit -> Task<int list * exn option>
    }

let private ok (i: int) = Task.FromResult i
let private nothing: Task<int> = null
let private nullAt2 i = if i = 2 then nothing else ok i

let private collectAs (project: 'T -> int) (xs: TaskSeq<'T>) =
    task {
        let! items, failure = collect xs
        return List.map project items, failure
    }

let private inputs () = [ ok 1; nothing; ok 3 ]
let private keyed () = [ 1, ok 1; 2, nothing; 3, ok 3 ]

let private bounded =
    { MapOptions.Default with
        MaxConcurrency = Some 2
    }

let private within = TimeSpan.FromMinutes 1.0

let nullCases =
    let case name parameter ordered run =
        {
            Name = name
            Parameter = parameter
            Ordered = ordered
            Run = run
        }

    [
        case "results" "tasks" true (fun () -> collect (Futured.results (inputs ())))
        case "resultsWithin" "tasks" true (fun () -> collect (Futured.resultsWithin within (inputs ())))
        case "resultsWith" "tasks" true (fun () -> collect (Futured.resultsWith MapOptions.Default (inputs ())))
        case "asCompleted" "tasks" false (fun () -> collect (Futured.asCompleted (inputs ())))
        case "asCompletedWithin" "tasks" false (fun () -> collect (Futured.asCompletedWithin within (inputs ())))
        case "asCompletedWith" "tasks" false (fun () ->
            collect (Futured.asCompletedWith MapOptions.Default (inputs ())))
        case "map" "f" true (fun () -> collect (Futured.map nullAt2 [ 1; 2; 3 ]))
        case "mapWith, bounded" "f" true (fun () -> collect (Futured.mapWith bounded nullAt2 [ 1; 2; 3 ]))
        case "mapFrom" "f" true (fun () ->
            collect (Futured.mapFrom MapOptions.Default nullAt2 (Linq.AsyncEnumerable.Range(1, 3))))
        case "mapZip" "f" false (fun () -> collectAs snd (Futured.mapZip nullAt2 [ 1; 2; 3 ]))
        case "mapZipWith, bounded" "f" false (fun () -> collectAs snd (Futured.mapZipWith bounded nullAt2 [ 1; 2; 3 ]))
        case "mapZipFrom" "f" false (fun () ->
            collectAs snd (Futured.mapZipFrom MapOptions.Default nullAt2 (Linq.AsyncEnumerable.Range(1, 3))))
        case "starmap" "f" true (fun () -> collect (Futured.starmap (fun a (_: int) -> nullAt2 a) [ 1, 0; 2, 0; 3, 0 ]))
        case "mapCancellable" "f" true (fun () -> collect (Futured.mapCancellable (fun i _ -> nullAt2 i) [ 1; 2; 3 ]))
        case "mapCancellableFrom" "f" true (fun () ->
            collect (
                Futured.mapCancellableFrom MapOptions.Default (fun i _ -> nullAt2 i) (Linq.AsyncEnumerable.Range(1, 3))
            ))
        case "mapZipCancellable" "f" false (fun () ->
            collectAs snd (Futured.mapZipCancellable (fun i _ -> nullAt2 i) [ 1; 2; 3 ]))
        case "starmapCancellable" "f" true (fun () ->
            collect (Futured.starmapCancellable (fun a (_: int) _ -> nullAt2 a) [ 1, 0; 2, 0; 3, 0 ]))
        case "items" "pairs" false (fun () -> collectAs snd (Futured.items (keyed ())))
        case "itemsWith, in order" "pairs" true (fun () ->
            collectAs
                snd
                (Futured.itemsWith
                    { MapOptions.Default with
                        Order = Some Order.InOrder
                    }
                    (keyed ())))
    ]

/// Expects the call to throw ArgumentOutOfRangeException naming the parameter, with a message that names the
/// option when one is given.
let refusedAs (parameter: string) (option: string) (make: unit -> unit) =
    let e = raises<ArgumentOutOfRangeException> make
    Expect.equal e.ParamName parameter $"names {parameter}"

    if not (String.IsNullOrEmpty option) then
        Expect.stringContains e.Message option $"names {option}"

/// Every place that takes a timeout, as a function of the timeout: the parameter and option it must name.
let timeoutTakers: (string * string * string * (TimeSpan -> unit)) list =
    let withTimeout t =
        { MapOptions.Default with
            Timeout = Some t
        }

    let f = ok
    let xs = [ 1 ]
    let asyncXs = Linq.AsyncEnumerable.Range(1, 1)

    [
        "mapWith", "options", "MapOptions.Timeout", (fun t -> Futured.mapWith (withTimeout t) f xs |> ignore)
        "mapFrom", "options", "MapOptions.Timeout", (fun t -> Futured.mapFrom (withTimeout t) f asyncXs |> ignore)
        "mapZipWith", "options", "MapOptions.Timeout", (fun t -> Futured.mapZipWith (withTimeout t) f xs |> ignore)
        "mapZipFrom", "options", "MapOptions.Timeout", (fun t -> Futured.mapZipFrom (withTimeout t) f asyncXs |> ignore)
        "starmapWith",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.starmapWith (withTimeout t) (fun a (_: int) -> ok a) [ 1, 1 ] |> ignore)
        "mapCancellableWith",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.mapCancellableWith (withTimeout t) (fun x _ -> ok x) xs |> ignore)
        "mapCancellableFrom",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.mapCancellableFrom (withTimeout t) (fun x _ -> ok x) asyncXs |> ignore)
        "mapZipCancellableWith",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.mapZipCancellableWith (withTimeout t) (fun x _ -> ok x) xs |> ignore)
        "mapZipCancellableFrom",
        "options",
        "MapOptions.Timeout",
        (fun t ->
            Futured.mapZipCancellableFrom (withTimeout t) (fun x _ -> ok x) asyncXs
            |> ignore)
        "starmapCancellableWith",
        "options",
        "MapOptions.Timeout",
        (fun t ->
            Futured.starmapCancellableWith (withTimeout t) (fun a (_: int) _ -> ok a) [ 1, 1 ]
            |> ignore)
        "itemsWith", "options", "MapOptions.Timeout", (fun t -> Futured.itemsWith (withTimeout t) [ 1, ok 1 ] |> ignore)
        "resultsWith",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.resultsWith (withTimeout t) [ ok 1 ] |> ignore)
        "asCompletedWith",
        "options",
        "MapOptions.Timeout",
        (fun t -> Futured.asCompletedWith (withTimeout t) [ ok 1 ] |> ignore)
        "resultsWithin", "timeout", "", (fun t -> Futured.resultsWithin t [ ok 1 ] |> ignore)
        "asCompletedWithin", "timeout", "", (fun t -> Futured.asCompletedWithin t [ ok 1 ] |> ignore)
        "TaskSet.within", "timeout", "", (fun t -> TaskSet.within t [ ok 1 ] |> ignore)
        "new TaskSet", "timeout", "", (fun t -> new TaskSet<int>([ ok 1 ], t) |> ignore)
    ]

[<Tests>]
let tests =
    testList
        "bad input"
        [
            testTask "a null task raises ArgumentNullException naming the parameter, at its place, in every stream"
            <| fun () ->
                task {
                    for case in nullCases do
                        let! items, failure = case.Run()

                        match failure with
                        | Some(:? ArgumentNullException as e) ->
                            Expect.equal e.ParamName case.Parameter $"{case.Name} names its parameter"
                        | other -> failtestf "%s: expected ArgumentNullException, got %A" case.Name other

                        if case.Ordered then
                            Expect.equal items [ 1 ] $"{case.Name}: the result before the null task, then the error"
                        else
                            Expect.isTrue
                                (items |> List.forall (fun i -> i = 1 || i = 3))
                                $"{case.Name}: only results of real tasks before the error"
                }

            testTask "a null pair raises ArgumentNullException naming pairs, in starmap and items"
            <| fun () ->
                task {
                    let nullPair = Unchecked.defaultof<int * int>
                    let nullKeyed = Unchecked.defaultof<int * Task<int>>

                    let! fromStarmap =
                        collect (Futured.starmap (fun a (b: int) -> ok (a + b)) [ (1, 0); nullPair; (3, 0) ])

                    let! fromItems = collectAs snd (Futured.items [ (1, ok 1); nullKeyed ])

                    for name, (items, failure) in [ "starmap", fromStarmap; "items", fromItems ] do
                        match failure with
                        | Some(:? ArgumentNullException as e) -> Expect.equal e.ParamName "pairs" $"{name} names pairs"
                        | other -> failtestf "%s: expected ArgumentNullException, got %A" name other

                        // starmap is in order; items, as completed, may meet the null pair first.
                        Expect.isTrue
                            (items = [ 1 ] || (name = "items" && items.IsEmpty))
                            $"{name}: only the result before the null pair"
                }

            testTask "work that gives Waiting.Start a null task faults the scope with ArgumentNullException naming work"
            <| fun () ->
                task {
                    let! e =
                        throwsExactly<ArgumentNullException>(
                            Waiting.run (fun (scope: Waiting<int>) -> task { scope.Start(fun _ -> nothing) |> ignore })
                        )

                    Expect.equal e.ParamName "work" "names work"
                }

            test "TimeSpan.MaxValue, a timeout just beyond the timer limit and a negative one are refused where given" {
                let beyond = TimeSpan.FromMilliseconds(float UInt32.MaxValue)

                for name, parameter, option, take in timeoutTakers do
                    for t in [ TimeSpan.MaxValue; beyond; TimeSpan.FromMilliseconds -2.0 ] do
                        try
                            refusedAs parameter option (fun () -> take t)
                        with :? AssertException as e ->
                            failtestf "%s with %O: %s" name t e.Message
            }

            test "Timeout.InfiniteTimeSpan (no deadline) and the timer limit itself are accepted everywhere" {
                let limit = TimeSpan.FromMilliseconds(float UInt32.MaxValue - 1.0)

                for _, _, _, take in timeoutTakers do
                    take Timeout.InfiniteTimeSpan
                    take limit
            }

            testTask "with Timeout.InfiniteTimeSpan a stream and a task set wait for a late result without a deadline"
            <| fun () ->
                task {
                    let late = sources 2
                    let stream = Futured.resultsWithin Timeout.InfiniteTimeSpan [ late[0].Task ]
                    let set = TaskSet.within Timeout.InfiniteTimeSpan [ late[1].Task ]
                    let e1 = stream.GetAsyncEnumerator()
                    let e2 = (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator()
                    let m1 = e1.MoveNextAsync().AsTask()
                    let m2 = e2.MoveNextAsync().AsTask()
                    late[0].SetResult 1
                    late[1].SetResult 2
                    let! r1 = m1
                    let! r2 = m2
                    Expect.equal (r1, e1.Current, r2, e2.Current.Result) (true, 1, true, 2) "the late results"
                    do! e1.DisposeAsync()
                    do! e2.DisposeAsync()
                }
        ]
