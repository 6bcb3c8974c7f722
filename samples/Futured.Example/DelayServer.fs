/// A small HTTP server on 127.0.0.1, like httpbin's /delay: GET /delay/{ms} answers "ms" after ms milliseconds.
module Futured.Example.DelayServer

open System
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging

/// How many requests the server has seen and how many of them their clients aborted before the answer.
let mutable private seen = 0
let mutable private aborted = 0

/// Requests the server has received so far.
let requestsSeen () = Volatile.Read &seen

/// Requests whose clients went away (HttpContext.RequestAborted) while the server waited to answer.
let requestsAborted () = Volatile.Read &aborted

/// Starts the server on a free port of 127.0.0.1 and returns it with its base address.
let start () : Task<WebApplication * Uri> =
    task {
        let builder = WebApplication.CreateBuilder()
        builder.Logging.ClearProviders() |> ignore
        builder.WebHost.UseUrls "http://127.0.0.1:0" |> ignore
        let app = builder.Build()

        app.MapGet(
            "/delay/{ms:int}",
            Func<int, HttpContext, Task<IResult>>(fun ms context ->
                task {
                    Interlocked.Increment &seen |> ignore

                    try
                        do! Task.Delay(ms, context.RequestAborted)
                    with :? OperationCanceledException ->
                        Interlocked.Increment &aborted |> ignore

                    return Results.Text(string ms)
                })
        )
        |> ignore

        do! app.StartAsync()

        let address =
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
            |> Seq.head

        return app, Uri address
    }
