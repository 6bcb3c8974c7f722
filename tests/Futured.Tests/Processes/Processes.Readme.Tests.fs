/// The README's example for worker processes, verbatim, and a test that runs it.
module Futured.Tests.ProcessesReadme

open System.IO
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support

type Point = { X: int; Y: string }

let double (x: int) = x * 2
let mirror (p: Point) = { X = p.X * 10; Y = p.Y + "!" }
// Each child writes a file of its own: appends to one file from several processes can overwrite each other.
let mark (folder: string, i: int) =
    File.WriteAllText(Path.Combine(folder, string i), "")

let example (folder: string) =
    task {
        // Up to 2 long-lived worker processes, started on demand.
        use pool = new Processed(2)
        let! a = pool.Wrap double 21 // 42, computed in a worker
        let! p = pool.Wrap mirror { X = 4; Y = "p" } // { X = 40; Y = "p!" }
        let! doubled = Task.WhenAll [ for i in 1..10 -> pool.Wrap double i ]
        // The map family works unchanged: in input order, at most 4 calls in flight.
        let inOrder =
            Futured.mapWith
                { MapOptions.Default with
                    MaxConcurrency = Some 4
                }
                (pool.Wrap double)
                [ 1..10 ]
            |> Futured.iter
            |> List.ofSeq
        // The shared pool (one worker per processor), the original's `processed`.
        let! b = processed double 5 // 10
        // One child process per value, at most 2 at once, values taken lazily.
        do! forked 2 mark [ for i in 0..5 -> folder, i ]
        // Workers that start now, side by side, instead of on the first calls.
        use warm = new Processed(2, prestart = true)
        let! c = warm.Wrap double 7 // 14
        return a, p, List.ofArray doubled, inOrder, b, Directory.GetFiles folder |> Array.map Path.GetFileName, c
    }

[<Tests>]
let tests =
    testTask "processes: the README example runs and gives the results it states"
    <| fun () ->
        task {
            let folder = Directory.CreateTempSubdirectory("futured-readme-").FullName
            let! a, p, doubled, inOrder, b, lines, c = example folder
            Expect.equal a 42 "a"
            Expect.equal p { X = 40; Y = "p!" } "p"
            Expect.equal doubled [ for i in 1..10 -> i * 2 ] "doubled"
            Expect.equal inOrder [ for i in 1..10 -> i * 2 ] "in order"
            Expect.equal b 10 "b"
            Expect.equal c 14 "c"
            Expect.equal (Set.ofArray lines) (Set.ofList [ "0"; "1"; "2"; "3"; "4"; "5" ]) "every child ran"
        }
