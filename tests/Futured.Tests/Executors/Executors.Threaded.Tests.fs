module Futured.Tests.Executors.Threaded

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Futured
open Futured.Tests.Support

[<Tests>]
let tests =
    testList
        "threaded"
        [
            testTask "threaded runs the function on the thread pool and returns its result"
            <| fun () ->
                task {
                    let double = threaded (fun x -> (x * 2, Thread.CurrentThread.IsThreadPoolThread))
                    let! r, onPool = double 21
                    Expect.equal r 42 "result"
                    Expect.isTrue onPool "ran on a pool thread"
                }

            testTask "threaded binds arguments by partial application"
            <| fun () ->
                task {
                    let add a b = a + b
                    let addTen = threaded (add 10)
                    let! r = addTen 5
                    Expect.equal r 15 "result"
                }

            testTask "threaded passes arguments represented by null (unit, None, a null string) unchanged"
            <| fun () ->
                task {
                    let! one = threaded (fun () -> 1) ()
                    let! none = threaded (fun (o: int option) -> o) None
                    let! wasNull = threaded (fun (s: string) -> isNull s) null
                    let! pair = threaded (fun struct (a: int, b: int) -> a - b) (struct (5, 3))
                    Expect.equal one 1 "unit"
                    Expect.equal none None "None"
                    Expect.isTrue wasNull "null string"
                    Expect.equal pair 2 "struct tuple"
                }

            testTask "an exception in the function faults the task with its original type"
            <| fun () ->
                task {
                    let fails = threaded (fun (_: int) -> raise (Boom "thrown on a worker"): int)
                    let! e = throwsExactly<Boom>(fails 1)
                    Expect.equal e.Message "thrown on a worker" "message"
                }

            test "threaded refuses a null function, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () -> threaded (Unchecked.defaultof<int -> int>) |> ignore)

                Expect.equal e.ParamName "f" "parameter"
            }

            testTask "Threaded.Wrap runs each call on the executor"
            <| fun () ->
                task {
                    use executor = new Threaded(3)
                    let square = executor.Wrap(fun x -> x * x)
                    let! results = Task.WhenAll [ for i in 1..10 -> square i ]
                    Expect.equal (List.ofArray results) [ for i in 1..10 -> i * i ] "results"
                    Expect.equal executor.MaxWorkers 3 "bound"
                }

            test "Threaded refuses a bound of zero or less, naming the parameter" {
                for bad in [ 0; -1 ] do
                    let e = raises<ArgumentOutOfRangeException>(fun () -> new Threaded(bad) |> ignore)
                    Expect.equal e.ParamName "maxWorkers" "parameter"
            }

            test "Threaded.Wrap and Submit refuse a null function" {
                use executor = new Threaded(1)

                let e1 =
                    raises<ArgumentNullException>(fun () -> executor.Wrap(Unchecked.defaultof<int -> int>) |> ignore)

                let e2 =
                    raises<ArgumentNullException>(fun () -> executor.Submit(Unchecked.defaultof<unit -> int>) |> ignore)

                Expect.equal (e1.ParamName, e2.ParamName) ("f", "f") "parameter"
            }

            test "Dispose blocks until accepted work is done (the documented sync bridge)" {
                let executor = new Threaded(1)
                let call = executor.Submit(fun () -> 5)
                (executor :> IDisposable).Dispose()
                Expect.isTrue call.IsCompletedSuccessfully "accepted work finished before Dispose returned"
            }
        ]
