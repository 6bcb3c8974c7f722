module Futured.Tests.Futured.MapZip

open System
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

/// Drives keyed calls whose completion order is the permutation: each key must come back with its own result.
let private pairsEveryKeyOnce (perm: int[]) (run: TaskCompletionSource<int>[] -> TaskSeq<int * int>) =
    task {
        let tcs = sources perm.Length
        let e = (run tcs).GetAsyncEnumerator()
        let yielded = ResizeArray()

        for i in perm do
            let pending = e.MoveNextAsync()
            tcs[i].SetResult(i * 10 + 7)
            let! moved = pending

            if moved then
                yielded.Add e.Current

        let! last = e.MoveNextAsync()
        do! e.DisposeAsync()

        return not last && List.ofSeq yielded = [ for i in perm -> i, i * 10 + 7 ]
    }
    |> await'

[<Tests>]
let tests =
    testList
        "mapZip"
        [
            property "mapZip pairs every input with its own result, each exactly once, as completed" permutations
            <| fun perm ->
                pairsEveryKeyOnce perm (fun tcs -> Futured.mapZip (fun i -> tcs[i].Task) [ 0 .. tcs.Length - 1 ])

            property
                "mapZip pairs every input with its own result in any completion order, also beyond the places it looks ahead"
                largePermutations
            <| fun perm ->
                pairsEveryKeyOnce perm (fun tcs -> Futured.mapZip (fun i -> tcs[i].Task) [ 0 .. tcs.Length - 1 ])

            testTask "mapZip pairs every input with its result when one task stands for many inputs, near and far apart"
            <| fun () ->
                task {
                    let n = 300

                    let shared =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let own =
                        Array.init n (fun _ ->
                            TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously))

                    // Every tenth input shares one task; the others have their own.
                    let reading =
                        toList (
                            Futured.mapZip (fun i -> if i % 10 = 0 then shared.Task else own[i].Task) [ 0 .. n - 1 ]
                        )

                    // The last inputs complete first (far from the first places), then the shared task, then the rest.
                    for i in n - 1 .. -1 .. n / 2 do
                        own[i].SetResult(i + 1)

                    shared.SetResult -1

                    for i in n / 2 - 1 .. -1 .. 0 do
                        own[i].SetResult(i + 1)

                    let! pairs = reading

                    Expect.equal
                        (List.sort pairs)
                        [ for i in 0 .. n - 1 -> i, (if i % 10 = 0 then -1 else i + 1) ]
                        "every input once, with its own task's result"
                }

            property "items pairs every key with its own task's result, each exactly once, as completed" permutations
            <| fun perm ->
                pairsEveryKeyOnce perm (fun tcs -> Futured.items [ for i in 0 .. tcs.Length - 1 -> i, tcs[i].Task ])

            testTask "mapZipWith in order pairs inputs with results in input order"
            <| fun () ->
                task {
                    let options =
                        { MapOptions.Default with
                            Order = Some Order.InOrder
                        }

                    let! pairs =
                        toList (
                            Futured.mapZipWith options (threaded (fun (s: string) -> s.Length)) [ "a"; "bbb"; "cc" ]
                        )

                    Expect.equal pairs [ "a", 1; "bbb", 3; "cc", 2 ] "in input order"
                }

            testTask "mapZipFrom pairs the items of an asynchronous sequence with their results"
            <| fun () ->
                task {
                    let input = Linq.AsyncEnumerable.Range(1, 50)

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 4
                        }

                    let! pairs = toList (Futured.mapZipFrom options (threaded (fun x -> x * x)) input)
                    Expect.equal (List.sort pairs) [ for x in 1..50 -> x, x * x ] "every item with its square"
                }

            testTask "starmap calls the function with each pair's two arguments, in input order"
            <| fun () ->
                task {
                    let add = fun a b -> Task.FromResult(a + b)
                    let! sums = toList (Futured.starmap add [ 1, 2; 10, 20; 100, 200 ])
                    Expect.equal sums [ 3; 30; 300 ] "the sums, in order"
                }

            testTask "starmapWith as completed yields every result once"
            <| fun () ->
                task {
                    let options =
                        { MapOptions.Default with
                            Order = Some Order.AsCompleted
                            MaxConcurrency = Some 3
                        }

                    let power = fun (b: int) (e: int) -> threaded (fun () -> pown b e) ()
                    let! results = toList (Futured.starmapWith options power [ for b in 1..20 -> b, 2 ])
                    Expect.equal (List.sort results) [ for b in 1..20 -> b * b ] "every square once"
                }

            testTask "items surfaces a fault with its original type"
            <| fun () ->
                task {
                    let failing = Task.FromException<int>(Boom "key b")
                    let! _, failure = collect (Futured.items [ "a", Task.FromResult 1; "b", failing ])

                    match failure with
                    | Some(:? Boom as b) -> Expect.equal b.Message "key b" "the original fault"
                    | other -> failtestf "expected Boom, got %A" other
                }

            testTask "itemsWith with a deadline on a task that never completes raises TimeoutException"
            <| fun () ->
                task {
                    let never = TaskCompletionSource<int>().Task

                    let options =
                        { MapOptions.Default with
                            Timeout = Some(TimeSpan.FromMilliseconds 50.0)
                        }

                    let! items, failure =
                        collect (Futured.itemsWith options [ "done", Task.FromResult 1; "never", never ])

                    Expect.equal items [ "done", 1 ] "the completed item first"
                    Expect.isTrue (failure |> Option.exists (fun e -> e :? TimeoutException)) "then the deadline"
                }

            testCase "mapZip, starmap and items refuse null arguments, naming the parameter"
            <| fun () ->
                let f = fun (x: int) -> Task.FromResult x
                let name (e: ArgumentNullException) = e.ParamName
                Expect.equal (name (raises (fun () -> Futured.mapZip Unchecked.defaultof<_> [ 1 ] |> ignore))) "f" "f"
                Expect.equal (name (raises (fun () -> Futured.mapZip f Unchecked.defaultof<_> |> ignore))) "xs" "xs"

                Expect.equal
                    (name (raises (fun () -> Futured.mapZipFrom MapOptions.Default f null |> ignore)))
                    "xs"
                    "xs"

                Expect.equal
                    (name (
                        raises (fun () ->
                            Futured.starmap (fun (a: int) (b: int) -> Task.FromResult(a + b)) null |> ignore)
                    ))
                    "pairs"
                    "pairs"

                Expect.equal
                    (name (
                        raises (fun () ->
                            Futured.starmap Unchecked.defaultof<int -> int -> Task<int>> [ 1, 2 ] |> ignore)
                    ))
                    "f"
                    "f"

                Expect.equal
                    (name (raises (fun () -> Futured.items Unchecked.defaultof<seq<string * Task<int>>> |> ignore)))
                    "pairs"
                    "pairs"

            testCase "mapZipWith and itemsWith refuse a bound of zero and a negative timeout"
            <| fun () ->
                let f = fun (x: int) -> Task.FromResult x

                let zero =
                    { MapOptions.Default with
                        MaxConcurrency = Some 0
                    }

                let negative =
                    { MapOptions.Default with
                        Timeout = Some(TimeSpan.FromSeconds -1.0)
                    }

                raises<ArgumentOutOfRangeException>(fun () -> Futured.mapZipWith zero f [ 1 ] |> ignore)
                |> ignore

                raises<ArgumentOutOfRangeException>(fun () ->
                    Futured.itemsWith negative [ 1, Task.FromResult 1 ] |> ignore)
                |> ignore

            testTask "items pairs each key with its task's result, also when one task stands under several keys"
            <| fun () ->
                task {
                    let shared =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let own =
                        TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)

                    let reading =
                        toList (Futured.items [ "a", shared.Task; "b", own.Task; "c", shared.Task; "d", shared.Task ])

                    own.SetResult 2
                    shared.SetResult 1
                    let! pairs = reading
                    Expect.equal pairs.Head ("b", 2) "the first completed first"
                    Expect.equal (List.sort pairs) [ "a", 1; "b", 2; "c", 1; "d", 1 ] "every key once, with its result"
                }
        ]
