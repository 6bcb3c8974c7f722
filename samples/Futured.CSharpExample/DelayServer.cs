using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Futured.CSharpExample;

/// <summary>A small HTTP server on 127.0.0.1, like httpbin's /delay: GET /delay/{ms} answers "ms" after ms milliseconds,
/// or stops waiting when its client aborts the request (<see cref="HttpContext.RequestAborted"/>), which
/// <see cref="AbortedAsync"/> reports.</summary>
internal static class DelayServer
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource> Aborted = new();

    private static TaskCompletionSource AbortOf(int ms) =>
        Aborted.GetOrAdd(ms, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Completes when the server has seen a request for /delay/{ms} aborted by its client.</summary>
    public static Task AbortedAsync(int ms) => AbortOf(ms).Task;

    /// <summary>Starts the server on a free port of 127.0.0.1 and returns it with its base address.</summary>
    public static async Task<(WebApplication Server, Uri BaseAddress)> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/delay/{ms:int}", async (int ms, HttpContext context) =>
        {
            await Task.Delay(ms, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (context.RequestAborted.IsCancellationRequested)
            {
                AbortOf(ms).TrySetResult();
                return Results.Empty;
            }
            return Results.Text(ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }
}
