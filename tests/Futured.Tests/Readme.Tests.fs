/// The README's F# snippets, run as they are written there.
module Futured.Tests.Readme

open System
open System.Linq
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

type Inventory() =
    member _.Count(item: string) = item.Length

type IInventoryAsync =
    abstract CountAsync: item: string -> Task<int>

let square = threaded (fun (x: int) -> x * x)

[<Tests>]
let tests =
    testList
        "readme"
        [
            testTask "wrapping functions"
            <| fun () ->
                task {
                    let square = threaded (fun (x: int) -> x * x)
                    use pool = new Threaded(2)
                    let increment = pool.Wrap(fun (x: int) -> x + 1)
                    let! nine = square 3
                    let! four = increment 3
                    let! ten = pool.Submit(fun () -> 10)
                    Expect.equal (nine, four, ten) (9, 4, 10) "results"
                }

            testTask "results in order or as completed"
            <| fun () ->
                task {
                    let tasks = [ for x in 1..3 -> square x ]
                    let! inOrder = (Futured.results tasks).ToArrayAsync()

                    let! asDone =
                        (Futured.asCompletedWithin (TimeSpan.FromSeconds 30.0) tasks).ToArrayAsync()

                    Expect.equal inOrder [| 1; 4; 9 |] "in order"
                    Expect.equal (Array.sort asDone) [| 1; 4; 9 |] "as completed"
                }

            testTask "the map family"
            <| fun () ->
                task {
                    let! squares = (Futured.map square [ 1; 2; 3 ]).ToArrayAsync()
                    let! pairs = (Futured.mapZip square [ 1; 2; 3 ]).ToArrayAsync()
                    let add = asynced (fun (a: int, b: int) -> Task.FromResult(a + b))

                    let! sums =
                        (Futured.starmap (fun a b -> add (a, b)) [ (1, 2); (3, 4) ]).ToArrayAsync()

                    let! keyed = (Futured.items [ ("a", square 2); ("b", square 3) ]).ToArrayAsync()

                    let options =
                        { MapOptions.Default with
                            MaxConcurrency = Some 2
                            Order = Some Order.AsCompleted
                        }

                    let! firstTen =
                        (Futured.mapWith options square (Seq.initInfinite id)).Take(10).ToArrayAsync()

                    Expect.equal squares [| 1; 4; 9 |] "map"
                    Expect.equal (Array.sort pairs) [| (1, 1); (2, 4); (3, 9) |] "mapZip"
                    Expect.equal sums [| 3; 7 |] "starmap"
                    Expect.equal (Array.sort keyed) [| ("a", 4); ("b", 9) |] "items"
                    Expect.equal firstTen.Length 10 "ten results"
                }

            testTask "decorated"
            <| fun () ->
                task {
                    let inventory = decorated<IInventoryAsync, _>(Inventory())
                    let! five = inventory.CountAsync "apple"
                    use pool = new Threaded(2)
                    let bounded = decoratedOn<IInventoryAsync, _> pool (Inventory())
                    let! six = bounded.CountAsync "banana"
                    Expect.equal (five, six) (5, 6) "results"
                }

            test "sync bridges" {
                let nine = Futured.run (square 3)
                let squares = Futured.map square [ 1; 2 ] |> Futured.iter |> List.ofSeq
                Expect.equal (nine, squares) (9, [ 1; 4 ]) "results"
            }
        ]
