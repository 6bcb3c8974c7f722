/// A deadline of a Cancellable map stops real work where it runs: HTTP requests are aborted (the server sees it),
/// commands are killed with their process group, and worker processes are killed and replaced. Each deadline
/// passes on a manual clock once the test has seen every call running, so the order of events is certain.
module Futured.Tests.Futured.MapCancellableRealWork

open System
open System.IO
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open global.Futured
open Futured.Internal
open Futured.Tests.Support
open Futured.Tests.ProcessTable

/// The engine behind Futured.mapCancellableWith with a one-minute deadline on a manual clock.
let private underDeadline (clock: ManualClock) (f: 'a -> CancellationToken -> Task<'b>) (xs: 'a list) =
    Futured.Internal.Stream(
        {
            Input = FromSeq xs
            Start = WithToken f
            Project = fun _ result -> result
            Ordered = false
            Window = Int32.MaxValue
            Timeout = ValueSome(TimeSpan.FromMinutes 1.0)
            CancellationToken = CancellationToken.None
            Clock = clock
            NullTaskParameter = "f"
            NullTaskMessage = "null"
        }
    )
    :> TaskSeq<'b>

/// Starts the stream, waits until the test sees every call running, lets the deadline pass, and expects
/// TimeoutException; then disposes the stream (which waits for the cancelled calls).
let private stopAtDeadline (stream: ManualClock -> TaskSeq<'b>) (allRunning: unit -> bool) =
    task {
        let clock = ManualClock()
        let e = (stream clock).GetAsyncEnumerator()
        let move = e.MoveNextAsync().AsTask()
        do! waitUntil "every call is running" allRunning
        clock.Fire()
        let! _ = throwsExactly<TimeoutException> move
        do! e.DisposeAsync().AsTask().WaitAsync generous
    }

/// A server on 127.0.0.1 whose /hang requests wait until the client aborts them, counting both.
type private HangingServer(app: WebApplication, address: Uri, started: int ref, aborted: int ref) =
    member _.Address = address
    member _.Started = Volatile.Read &started.contents
    member _.Aborted = Volatile.Read &aborted.contents

    static member Start() =
        task {
            let started = ref 0
            let aborted = ref 0
            let builder = WebApplication.CreateBuilder()
            builder.Logging.ClearProviders() |> ignore
            builder.WebHost.UseUrls "http://127.0.0.1:0" |> ignore
            let app = builder.Build()

            app.MapGet(
                "/hang",
                Func<HttpContext, Task>(fun context ->
                    task {
                        Interlocked.Increment &started.contents |> ignore

                        try
                            do! Task.Delay(Timeout.Infinite, context.RequestAborted)
                        with :? OperationCanceledException ->
                            Interlocked.Increment &aborted.contents |> ignore
                    })
            )
            |> ignore

            do! app.StartAsync()

            let address =
                app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
                |> Seq.head

            return HangingServer(app, Uri address, started, aborted)
        }

    member _.DisposeAsync() = app.DisposeAsync()

[<Tests>]
let tests =
    testList
        "Futured.mapCancellable real work"
        [
            testTask "a deadline aborts the running HTTP requests: the server sees every one of them aborted"
            <| fun () ->
                task {
                    let! server = HangingServer.Start()
                    use client = new HttpClient(BaseAddress = server.Address)

                    try
                        let fetch (path: string) (token: CancellationToken) = client.GetStringAsync(path, token)

                        do!
                            stopAtDeadline
                                (fun clock -> underDeadline clock fetch [ "/hang"; "/hang"; "/hang" ])
                                (fun () -> server.Started = 3)

                        do! waitUntil "the server saw every request aborted" (fun () -> server.Aborted = 3)
                    finally
                        server.DisposeAsync().AsTask().Wait()
                }

            testTask "a deadline kills the running commands with their process groups, grandchildren included"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let pidFile i = Path.Combine(dir, $"pids{i}")

                    // The shell records its pid and its child's, then waits for the child.
                    let run (i: int) (token: CancellationToken) =
                        Command.shell $"sleep 300 & echo $$ $! > {pidFile i}.tmp; mv {pidFile i}.tmp {pidFile i}; wait"
                        |> Command.withCancellation token
                        |> Command.run

                    let pids () =
                        [ for i in 0..1 -> pidsIn (pidFile i) ] |> List.concat

                    do!
                        stopAtDeadline (fun clock -> underDeadline clock run [ 0; 1 ]) (fun () ->
                            File.Exists(pidFile 0) && File.Exists(pidFile 1))

                    let all = pids ()
                    Expect.equal all.Length 4 "two shells and two sleeps"

                    do!
                        eventually "every process of both commands is gone" (fun () ->
                            all |> List.forall (alive >> not))
                }

            testTask "a deadline kills the worker processes running the calls, and the pool replaces them"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    use pool = new Processed(2)
                    let started i = Path.Combine(dir, $"started{i}")

                    let call (i: int) (token: CancellationToken) =
                        pool.Submit(
                            Futured.Tests.Processed.startThenWait,
                            (started i, Path.Combine(dir, "never")),
                            token
                        )

                    let workerOf i =
                        let file = started i

                        if File.Exists file then
                            match Int32.TryParse(File.ReadAllText file) with
                            | true, pid -> Some pid
                            | _ -> None
                        else
                            None

                    do!
                        stopAtDeadline (fun clock -> underDeadline clock call [ 0; 1 ]) (fun () ->
                            (workerOf 0).IsSome && (workerOf 1).IsSome)

                    let workers = [ (workerOf 0).Value; (workerOf 1).Value ]

                    do!
                        eventually "both workers are gone" (fun () ->
                            workers |> List.forall Futured.Tests.Processed.isGone)

                    let! next = pool.Wrap Futured.Tests.Processed.processId ()
                    Expect.isFalse (List.contains next workers) "a new worker serves the next call"
                }
        ]
