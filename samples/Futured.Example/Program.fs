/// The main example: a dozen requests with mixed delays against a local server, through
/// `threaded` (blocking HttpClient calls on threads of its own) and `asynced` (async calls, bounded).
module Futured.Example.Program

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Threading
open Futured

let delays = [ 300; 100; 500; 50; 250; 0; 400; 150; 350; 200; 450; 75 ]

[<EntryPoint>]
let main _ =
    let server, baseAddress = DelayServer.start () |> Futured.run
    use client = new HttpClient(BaseAddress = baseAddress)
    let mutable failures = 0

    let check what (expected: int) (got: int) =
        if expected <> got then
            failures <- failures + 1
            eprintfn "MISMATCH in %s: expected %d, got %d" what expected got

    // A synchronous, blocking function.
    let fetch (ms: int) =
        use response = client.Send(new HttpRequestMessage(HttpMethod.Get, $"/delay/{ms}"))

        use reader =
            new StreamReader(response.EnsureSuccessStatusCode().Content.ReadAsStream())

        int (reader.ReadToEnd())

    // One call before the clocks start: the first request of a process compiles the client's and the
    // server's code paths (about 100 ms here), which the timings below should not include.
    fetch 0 |> ignore

    // Made concurrent by threaded: each call runs on a thread of the wrapper's own pool, so blocking calls
    // start at once, up to its bound of min(32, cores + 4), without waiting for the shared thread pool.
    let fetchBlocking = threaded fetch

    // An asynchronous function, at most four requests in flight.
    use limiter = new Asynced(4)

    let fetchAsync =
        limiter.Wrap(fun (ms: int) ->
            task {
                let! body = client.GetStringAsync $"/delay/{ms}"
                return int body
            })

    let clock = Stopwatch.StartNew()
    printfn "threaded, as completed:"

    for ms, body in Futured.mapZip fetchBlocking delays |> Futured.iter do
        printfn "  /delay/%-4d -> %-4d after %4d ms" ms body clock.ElapsedMilliseconds
        check "threaded mapZip" ms body

    clock.Restart()
    printfn "asynced (4 at once), in order:"

    for ms, body in Seq.zip delays (Futured.map fetchAsync delays |> Futured.iter) do
        printfn "  /delay/%-4d -> %-4d after %4d ms" ms body clock.ElapsedMilliseconds
        check "asynced map" ms body

    clock.Restart()
    printfn "asCompleted over running tasks, 10 s deadline:"
    let tasks = delays |> List.map fetchBlocking

    let seen =
        Futured.asCompletedWithin (TimeSpan.FromSeconds 10.0) tasks
        |> Futured.iter
        |> List.ofSeq

    for body in seen do
        printfn "  %-4d" body

    check "asCompleted count" delays.Length seen.Length
    check "asCompleted sum" (List.sum delays) (List.sum seen)

    clock.Restart()
    printfn "mapCancellable, 1 s deadline: the requests still running are aborted"
    let abortedBefore = DelayServer.requestsAborted ()
    let seenBefore = DelayServer.requestsSeen ()

    // A function that takes a token: the stream gives each call its own token and cancels it when the
    // deadline passes, so HttpClient aborts the requests still running instead of letting them go on.
    let fetchCancellable (ms: int) (token: CancellationToken) =
        task {
            let! body = client.GetStringAsync($"/delay/{ms}", token)
            return int body
        }

    let deadline =
        { MapOptions.Default with
            Timeout = Some(TimeSpan.FromSeconds 1.0)
        }

    let answered = ResizeArray()

    try
        for body in
            Futured.mapCancellableWith deadline fetchCancellable [ 50; 60_000; 60_000 ]
            |> Futured.iter do
            answered.Add body
    with :? TimeoutException as e ->
        printfn "  %s (after %d ms)" e.Message clock.ElapsedMilliseconds

    // The server notices an aborted request when its connection closes, a moment after the client gives up.
    let longSeen = DelayServer.requestsSeen () - seenBefore - answered.Count
    let waited = Stopwatch.StartNew()

    while DelayServer.requestsAborted () - abortedBefore < longSeen
          && waited.Elapsed < TimeSpan.FromSeconds 10.0 do
        Thread.Sleep 10

    printfn "  answered %A; the server saw %d long request(s) aborted" (List.ofSeq answered) longSeen
    check "answered before the deadline" 50 (Seq.sum answered)
    check "long requests aborted" longSeen (DelayServer.requestsAborted () - abortedBefore)
    check "long requests seen" 2 longSeen

    server.StopAsync().GetAwaiter().GetResult()

    printfn
        "%s"
        (if failures = 0 then
             "all results correct"
         else
             $"{failures} wrong result(s)")

    if failures = 0 then 0 else 1
