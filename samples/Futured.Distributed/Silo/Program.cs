// A silo that serves Futured's Distributed calls.
//
//   dotnet run --project samples/Futured.Distributed/Silo -- --instance 0        first silo (ports 11111, 30000)
//   dotnet run --project samples/Futured.Distributed/Silo -- --instance 1        second silo (ports 11112, 30001)
//   ... --redis 127.0.0.1:6379                                                   membership in Redis instead
//
// Without --redis the silos find each other through localhost development clustering (the first silo is the primary
// one and must run); with --redis any number of silos join through the membership table kept in that Redis server.
using System.Net;
using Futured;
using DistributedSample;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

var instance = int.Parse(Option(args, "--instance") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
var redis = Option(args, "--redis");
var siloPort = int.Parse(Option(args, "--silo-port") ?? $"{11111 + instance}", System.Globalization.CultureInfo.InvariantCulture);
var gatewayPort = int.Parse(Option(args, "--gateway-port") ?? $"{30000 + instance}", System.Globalization.CultureInfo.InvariantCulture);
var clusterId = Option(args, "--cluster") ?? "futured-sample";

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    if (redis is null)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, 11111), "futured", clusterId);
    }
    else
    {
        silo.UseRedisClustering(redis);
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = clusterId;
            options.ServiceId = "futured";
        });
        silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
    }

    silo.AddFutured();
});

using var host = builder.Build();
await host.StartAsync();
// Loads the jobs' assembly now, as an application that uses it would.
Console.WriteLine($"silo {instance} ready: process {Environment.ProcessId}, silo port {siloPort}, gateway port {gatewayPort}, {typeof(Jobs).Name} loaded");
await host.WaitForShutdownAsync();

static string? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
