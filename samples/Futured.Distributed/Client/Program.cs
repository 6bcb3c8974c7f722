// A client that maps CPU-bound calls over the silos of the sample cluster.
//
//   dotnet run --project samples/Futured.Distributed/Client                      two localhost silos (gateways 30000, 30001)
//   dotnet run --project samples/Futured.Distributed/Client -- --redis 127.0.0.1:6379
using System.Net;
using Futured;
using DistributedSample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

var redis = Option(args, "--redis");
var clusterId = Option(args, "--cluster") ?? "futured-sample";
var calls = int.Parse(Option(args, "--calls") ?? "40", System.Globalization.CultureInfo.InvariantCulture);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleansClient(client =>
{
    if (redis is null)
    {
        client.UseLocalhostClustering([30000, 30001], "futured", clusterId);
    }
    else
    {
        client.UseRedisClustering(redis);
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = clusterId;
            options.ServiceId = "futured";
        });
    }
});

using var host = builder.Build();
await host.StartAsync();
var cluster = host.Services.GetRequiredService<IClusterClient>();

await using var distributed = new Distributed(cluster, maxConcurrency: 8);
var countPrimes = distributed.Wrap<int, int>(Jobs.CountPrimes);
var where = distributed.Wrap<int, Placement>(Jobs.Where);

var limits = Enumerable.Range(1, calls).Select(i => 50_000 + (i * 1_000)).ToList();
var total = 0L;
await foreach (var count in countPrimes.Map(limits, maxConcurrency: 16))
{
    total += count;
}

var silos = new SortedSet<string>();
await foreach (var placement in where.Map(Enumerable.Range(0, calls)))
{
    silos.Add($"{placement.Silo} (process {placement.ProcessId})");
}

Console.WriteLine($"{calls} prime counts, {total} primes in all, computed on {silos.Count} silo(s):");
foreach (var silo in silos)
{
    Console.WriteLine($"  {silo}");
}

await host.StopAsync();

static string? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
