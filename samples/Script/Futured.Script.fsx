// Futured from an F# script: a local HTTP server with /delay/{ms} and /flaky/{key} endpoints, fetched
// through `threaded` inside `futured { }` with `and!`, `for` over `Futured.asCompleted`, a `TaskSet`
// retry and a `Waiting` scope. Run it with `bash samples/Script/run.sh`, which packs the library into
// artifacts/packages, the package source that NuGet.config beside this script adds. Exits with 1 if any
// result is wrong.

#r "nuget: Futured.FSharp, 0.1.0-*"

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Futured

/// GET /delay/{ms} answers "ms" after ms milliseconds; GET /flaky/{key} answers 503 for the first
/// key % 3 requests of that key, then "key".
let serve (listener: HttpListener) =
    let attempts = ConcurrentDictionary<int, int>()

    let answer (context: HttpListenerContext) =
        task {
            let parts = context.Request.Url.AbsolutePath.Trim('/').Split('/')
            let response = context.Response

            let! status, body =
                task {
                    match parts with
                    | [| "delay"; ms |] ->
                        do! Task.Delay(int ms)
                        return 200, ms
                    | [| "flaky"; key |] ->
                        let key = int key
                        let attempt = attempts.AddOrUpdate(key, 1, (fun _ n -> n + 1))

                        return
                            (if attempt <= key % 3 then
                                 503, "try again"
                             else
                                 200, string key)
                    | _ -> return 404, "not found"
                }

            response.StatusCode <- status
            let bytes = Text.Encoding.UTF8.GetBytes(body: string)
            do! response.OutputStream.WriteAsync(bytes, 0, bytes.Length)
            response.Close()
        }

    task {
        while listener.IsListening do
            let! context = listener.GetContextAsync()
            answer context |> ignore
    }
    |> ignore

let freePort () =
    let probe = new TcpListener(IPAddress.Loopback, 0)
    probe.Start()
    let port = (probe.LocalEndpoint :?> IPEndPoint).Port
    probe.Stop()
    port

let port = freePort ()
let listener = new HttpListener()
listener.Prefixes.Add $"http://127.0.0.1:{port}/"
listener.Start()
serve listener

let client = new HttpClient(BaseAddress = Uri $"http://127.0.0.1:{port}")

/// A blocking fetch, made concurrent by threaded: each call runs on a thread of its own pool and returns a Task.
let fetch =
    threaded (fun (path: string) ->
        use response = client.Send(new HttpRequestMessage(HttpMethod.Get, path))

        use reader =
            new StreamReader(response.EnsureSuccessStatusCode().Content.ReadAsStream())

        reader.ReadToEnd())

let mutable failures = 0

let check what expected actual =
    if expected <> actual then
        failures <- failures + 1
        eprintfn "WRONG %s: expected %A, got %A" what expected actual
    else
        printfn "ok    %s: %A" what actual

let clock = Diagnostics.Stopwatch.StartNew()

futured {
    // and!: both requests run at once, so this takes about 300 ms, not 500.
    let! a = fetch "/delay/300"
    and! b = fetch "/delay/200"
    check "and! results" ("300", "200") (a, b)
    printfn "      both in %d ms" clock.ElapsedMilliseconds

    // for over Futured.asCompleted: each body as soon as its request is done.
    let seen = ResizeArray()

    for body in Futured.asCompleted [ fetch "/delay/400"; fetch "/delay/0"; fetch "/delay/200" ] do
        printfn "      completed /delay/%s at %d ms" body clock.ElapsedMilliseconds
        seen.Add body

    check "asCompleted results" [ "0"; "200"; "400" ] (List.sort (List.ofSeq seen))

    // A TaskSet retry: /flaky/{key} fails key % 3 times; each failed task is re-added until it succeeds.
    let keyOf = ConcurrentDictionary<Task<string>, int>(HashIdentity.Reference)

    let attempt key =
        let work = fetch $"/flaky/{key}"
        keyOf[work] <- key
        work

    let set = new TaskSet<string>()

    for key in 1..5 do
        set.Add(attempt key)

    let results = ResizeArray()
    let mutable retries = 0

    for finished in set do
        if finished.IsFaulted then
            retries <- retries + 1
            set.Add(attempt keyOf[finished])
        else
            results.Add finished.Result

    check "TaskSet retry results" [ "1"; "2"; "3"; "4"; "5" ] (List.sort (List.ofSeq results))
    check "TaskSet retries" (List.sum [ for k in 1..5 -> k % 3 ]) retries

    // A Waiting scope: results in registration order, whatever the completion order.
    let! ordered =
        Waiting.run (fun scope ->
            futured {
                scope.Add(fetch "/delay/150")
                scope.Add(fetch "/delay/50")
            })

    check "Waiting results" [| "150"; "50" |] ordered
}
|> Futured.run

listener.Stop()

printfn
    "%s"
    (if failures = 0 then
         "all results correct"
     else
         $"{failures} wrong result(s)")

exit (if failures = 0 then 0 else 1)
