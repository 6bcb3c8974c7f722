/// Error paths and bad input that the coverage report (bash .ci/coverage) showed no test reached: each test states the
/// documented behaviour of a branch that had never run.
module Futured.Tests.ErrorPaths

open System
open System.Collections.Generic
open System.Linq.Expressions
open System.Reflection
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.Decorate

/// An interface with a generic method, which decorated cannot implement.
type IGenericAsync =
    abstract EchoAsync<'T> : value: 'T -> Task<'T>

/// An interface with a by-reference parameter, which decorated cannot implement.
type IByRefAsync =
    abstract AddAsync: a: int * b: byref<int> -> Task<int>

/// Static methods for delegates that cannot cross to a worker process.
type Crossing =
    static member Double(x: int) = x * 2
    static member Triple(x: int) = x * 3
    static member Same<'T>(x: 'T) = x

let private pendingOf<'T> () =
    TaskCompletionSource<'T>(TaskCreationOptions.RunContinuationsAsynchronously)

[<Tests>]
let tests =
    testList
        "error paths"
        [
            testTask "and! raises the second operand's failure when the first succeeds, after both completed"
            <| fun () ->
                task {
                    let first = pendingOf<int>()
                    let second = pendingOf<int>()
                    let mutable bodyRan = false

                    let work =
                        futured {
                            let! a = first.Task
                            and! b = second.Task
                            bodyRan <- true
                            return a + b
                        }

                    second.SetException(Boom "second")
                    Expect.isFalse work.IsCompleted "still waiting for the first operand"
                    first.SetResult 1
                    let! e = throwsExactly<Boom> work
                    Expect.equal e.Message "second" "the failed operand's own exception"
                    Expect.isFalse bodyRan "the block after and! never ran"
                }

            testTask "a mapped function that throws instead of returning a task surfaces its exception at its place"
            <| fun () ->
                task {
                    let f (x: int) =
                        if x = 2 then
                            raise (Boom "thrown at 2")
                        else
                            Task.FromResult(x * 10)

                    let bounded =
                        { MapOptions.Default with
                            MaxConcurrency = Some 1
                        }

                    for name, stream in
                        [
                            "eager", Futured.map f [ 1..4 ]
                            "bounded", Futured.mapWith bounded f [ 1..4 ]
                        ] do
                        let! items, failure = collect stream
                        Expect.equal items [ 10 ] $"{name}: the results before it"

                        match failure with
                        | Some(:? Boom as e) -> Expect.equal e.Message "thrown at 2" $"{name}: the original exception"
                        | other -> failtestf "%s: expected Boom, got %A" name other
                }

            test "Command.withEnvironment refuses a null variable name, naming the parameter" {
                let e =
                    raises<ArgumentNullException>(fun () ->
                        command "env" [] |> Command.withEnvironment [ "GOOD", "1"; null, "2" ] |> ignore)

                Expect.equal e.ParamName "variables" "names the parameter"
            }

            testTask "a task set enumerated with a cancelled token raises OperationCanceledException and claims no task"
            <| fun () ->
                task {
                    let set = TaskSet.ofSeq [ Task.FromResult 1; Task.FromResult 2 ]
                    use cancelled = new CancellationTokenSource()
                    cancelled.Cancel()

                    let enumerator =
                        (set :> IAsyncEnumerable<Task<int>>).GetAsyncEnumerator cancelled.Token

                    let! e = throws<OperationCanceledException>(enumerator.MoveNextAsync().AsTask())
                    Expect.equal e.CancellationToken cancelled.Token "the enumeration's token"
                    let! again = enumerator.MoveNextAsync()
                    Expect.isFalse again "a stopped enumeration yields nothing more"
                    do! enumerator.DisposeAsync()
                    Expect.equal set.Count 2 "both tasks are still in the set"
                    let! all = toList set
                    Expect.equal (all |> List.map _.Result |> List.sort) [ 1; 2 ] "a later enumeration yields them"
                }

            testTask "a task set's Count drops as tasks are claimed and grows as they are added"
            <| fun () ->
                task {
                    let gate = pendingOf<int>()
                    let set = TaskSet.ofSeq [ Task.FromResult 1; gate.Task ]
                    Expect.equal set.Count 2 "two added"
                    let! first = set.Pop()
                    Expect.equal first.Result 1 "the completed task comes first"
                    Expect.equal set.Count 1 "one claimed by Pop"
                    let waiting = set.Pop()
                    Expect.equal set.Count 0 "a pending Pop has claimed the other"
                    set.Add(Task.FromResult 3)
                    Expect.equal set.Count 1 "an added task counts"
                    gate.SetResult 2
                    let! second = waiting
                    Expect.isTrue (second.Result = 2 || second.Result = 3) "the pending Pop gets a completed task"
                }

            testTask
                "Waiting.Start faults the registered task when the work returns a null task, and the scope raises it"
            <| fun () ->
                task {
                    let scope = new Waiting<int>()
                    scope.Add(Task.FromResult 1)
                    let started = scope.Start(fun _ -> null)
                    Expect.equal scope.Count 2 "both tasks registered"
                    let! fromStart = throwsExactly<ArgumentNullException> started
                    Expect.equal fromStart.ParamName "work" "names the parameter"
                    Expect.stringContains fromStart.Message "null task" "says why"
                    let! fromScope = throwsExactly<ArgumentNullException>(scope.WaitAsync())
                    Expect.isTrue (obj.ReferenceEquals(fromStart, fromScope)) "the scope raises that same fault"
                    Expect.isTrue scope.Token.IsCancellationRequested "the fault cancelled the scope's token"
                }

            test "a generic interface method is reported when decorating, saying why" {
                let e = mismatch<IGenericAsync>(Store())
                Expect.equal e.ParamName "target" "parameter"
                Expect.stringContains e.Message "EchoAsync" "names the method"
                Expect.stringContains e.Message "generic methods are not supported" "says why"
            }

            test "an interface method with a by-reference parameter is reported when decorating, saying why" {
                let e = mismatch<IByRefAsync>(Store())
                Expect.stringContains e.Message "AddAsync" "names the method"
                Expect.stringContains e.Message "ref and out parameters are not supported" "says why"
            }

            test "Futures.Processed refuses a multicast delegate, saying why" {
                let both =
                    Delegate.Combine(Func<int, int>(Crossing.Double), Func<int, int>(Crossing.Triple))
                    :?> Func<int, int>

                let e = raises<ArgumentException>(fun () -> Futures.Processed both |> ignore)
                Expect.stringContains e.Message "multicast" "says why"
            }

            test "Futures.Processed refuses a delegate to a generic method, saying why" {
                let generic =
                    typeof<Crossing>.GetMethod("Same").MakeGenericMethod(typeof<int>)
                    |> fun m -> m.CreateDelegate<Func<int, int>>()

                let e = raises<ArgumentException>(fun () -> Futures.Processed generic |> ignore)
                Expect.stringContains e.Message "generic" "says why"
            }

            test "Futures.Processed refuses a compiled expression, whose method exists only in this process" {
                let x = Expression.Parameter(typeof<int>, "x")

                let compiled =
                    Expression.Lambda<Func<int, int>>(Expression.Multiply(x, Expression.Constant 2), x).Compile()

                Expect.equal (compiled.Invoke 21) 42 "the delegate works in this process"
                let e = raises<ArgumentException>(fun () -> Futures.Processed compiled |> ignore)
                Expect.stringContains e.Message "generated at run time" "says why"
            }
        ]
