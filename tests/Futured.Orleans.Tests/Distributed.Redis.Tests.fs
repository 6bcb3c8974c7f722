/// Real processes and real membership: a Redis server from the OS packages, two silo processes of the sample silo
/// program that find each other through it, and a client in this process.
module Futured.Orleans.Tests.DistributedRedis

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets
open System.Threading.Tasks
open Expecto
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging
open Orleans
open Orleans.Configuration
open Orleans.Hosting
open global.Futured
open DistributedSample
open Futured.Tests.Support
open Futured.Tests.ProcessTable

/// A TCP port nobody listens on now.
let private freePort () =
    use listener = new TcpListener(IPAddress.Loopback, 0)
    listener.Start()
    (listener.LocalEndpoint :?> IPEndPoint).Port

/// The sample silo program built beside these tests (same configuration).
let private siloProgram () =
    let testBin = DirectoryInfo AppContext.BaseDirectory
    let configuration = testBin.Parent.Name
    let root = testBin.Parent.Parent.Parent.Parent.Parent.FullName

    Path.Combine(
        root,
        "samples",
        "Futured.Distributed",
        "Silo",
        "bin",
        configuration,
        testBin.Name,
        "Futured.Distributed.Silo.dll"
    )

/// A started process whose standard output is collected line by line.
type private Child(fileName: string, arguments: string list) =
    let lines = Collections.Concurrent.ConcurrentQueue<string>()
    let info = ProcessStartInfo(fileName, arguments)

    do
        info.RedirectStandardOutput <- true
        info.RedirectStandardError <- true
        info.UseShellExecute <- false

    let proc = new Process(StartInfo = info)
    let mutable disposed = false

    do
        proc.OutputDataReceived.Add(fun e ->
            if not (isNull e.Data) then
                lines.Enqueue e.Data)

        proc.ErrorDataReceived.Add(fun e ->
            if not (isNull e.Data) then
                lines.Enqueue e.Data)

        proc.Start() |> ignore
        proc.BeginOutputReadLine()
        proc.BeginErrorReadLine()

    member _.Id = proc.Id
    member _.Output = String.Join("\n", lines)

    /// Waits until a line contains the text (fails, showing the output, if the process exits or time runs out).
    member this.WaitFor(text: string) : Task =
        task {
            let clock = Stopwatch.StartNew()

            while not (lines |> Seq.exists (fun line -> line.Contains text)) do
                if proc.HasExited || clock.Elapsed > generous then
                    failtestf "%s never wrote '%s'; its output:\n%s" fileName text this.Output

                do! Task.Delay 50
        }

    /// SIGKILL.
    member _.Kill() =
        try
            proc.Kill true
        with :? InvalidOperationException ->
            ()

    member _.WaitForExit() = proc.WaitForExit(generous)

    interface IDisposable with
        member this.Dispose() =
            if not disposed then
                disposed <- true
                this.Kill()
                this.WaitForExit() |> ignore
                proc.Dispose()

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Distributed over Redis membership"
        [
            testTask
                "two silo processes found through Redis run a map across both; a silo killed with SIGKILL faults only its calls, and a new map runs on the survivor"
            <| fun () ->
                task {
                    let redisPort = freePort ()
                    let cluster = "futured-test-" + Guid.NewGuid().ToString "N"
                    let folder = tempDirectory ()
                    let redisAddress = $"127.0.0.1:{redisPort}"

                    use redis =
                        new Child(
                            "redis-server",
                            [
                                "--port"
                                string redisPort
                                "--bind"
                                "127.0.0.1"
                                "--save"
                                ""
                                "--appendonly"
                                "no"
                            ]
                        )

                    let silo (instance: int) =
                        new Child(
                            "dotnet",
                            [
                                siloProgram ()
                                "--instance"
                                string instance
                                "--redis"
                                redisAddress
                                "--silo-port"
                                string (freePort ())
                                "--gateway-port"
                                string (freePort ())
                                "--cluster"
                                cluster
                            ]
                        )

                    let pids = ResizeArray [ redis.Id ]

                    try
                        do! redis.WaitFor "Ready to accept connections"
                        use silo0 = silo 0
                        use silo1 = silo 1
                        pids.AddRange [ silo0.Id; silo1.Id ]
                        do! silo0.WaitFor "ready"
                        do! silo1.WaitFor "ready"

                        let builder = Host.CreateApplicationBuilder()
                        builder.Logging.SetMinimumLevel LogLevel.Error |> ignore

                        builder.UseOrleansClient(fun client ->
                            client
                                .UseRedisClustering(redisAddress)
                                .Configure<ClusterOptions>(fun (options: ClusterOptions) ->
                                    options.ClusterId <- cluster
                                    options.ServiceId <- "futured")
                            |> ignore)
                        |> ignore

                        use host = builder.Build()
                        do! host.StartAsync()
                        let client = host.Services.GetRequiredService<IClusterClient>()
                        use distributed = new Distributed(client, 4)
                        let where = distributed.Wrap(Func<int, Placement> Jobs.Where)
                        let countPrimes = distributed.Wrap(Func<int, int> Jobs.CountPrimes)

                        // A map of CPU-bound calls across both silos.
                        let limits = [ for i in 1..24 -> 20_000 + i * 500 ]
                        let! counts = Futured.map countPrimes.Invoke limits |> toList
                        Expect.equal counts [ for limit in limits -> Jobs.CountPrimes limit ] "every count, in order"
                        let! placements = Futured.map where.Invoke [ 0..23 ] |> toList
                        let processes = placements |> List.map (fun p -> p.ProcessId) |> Set.ofList
                        Expect.equal processes (Set.ofList [ silo0.Id; silo1.Id ]) "calls ran in both silo processes"
                        let siloOf = placements |> List.map (fun p -> p.ProcessId, p.Silo) |> Map.ofList

                        // Calls that spin until released; once every one has started, one silo is killed.
                        let spin = distributed.Wrap(Func<SpinOrder, Placement> Jobs.SpinUntilReleased)
                        let calls = [ for i in 0..3 -> spin.Invoke(SpinOrder(folder, i)) ]

                        let startedOn () =
                            Directory.GetFiles(folder, "started-*")
                            |> Array.map (fun file ->
                                let parts = (Path.GetFileName file).Split '-'
                                int parts[1], int parts[2])
                            |> Map.ofArray

                        do! eventually "every spinning call started" (fun () -> (startedOn ()).Count = 4)
                        let started = startedOn ()

                        Expect.equal
                            (started |> Map.values |> Set.ofSeq)
                            processes
                            "the spinning calls run in both silos"

                        silo0.Kill()
                        Expect.isTrue (silo0.WaitForExit()) "the killed silo exited"
                        File.WriteAllText(Path.Combine(folder, "release"), "")
                        let! outcomes = Task.WhenAll [ for call in calls -> outcome call ]

                        for i in 0..3 do
                            match outcomes[i] with
                            | Ok placement ->
                                Expect.equal placement.ProcessId silo1.Id $"call {i} completed on the survivor"
                                Expect.equal started[i] silo1.Id $"call {i} ran on the survivor"
                            | Error(:? SiloFailedException as e) ->
                                Expect.equal started[i] silo0.Id $"call {i} ran on the killed silo"
                                Expect.equal e.Silo siloOf[silo0.Id] "the exception names the killed silo"
                            | Error e -> failtestf "call %d faulted with %O" i e

                        // A new map runs entirely on the survivor.
                        let! after = Futured.map where.Invoke [ 0..15 ] |> toList

                        Expect.equal
                            (after |> List.map (fun p -> p.ProcessId) |> Set.ofList)
                            (Set.singleton silo1.Id)
                            "every later call ran on the survivor"

                        do! host.StopAsync()
                    finally
                        Directory.Delete(folder, true)

                    // Every process was killed on the way out (the silos by `use`, then Redis): none is left.
                    (redis :> IDisposable).Dispose()

                    for pid in pids do
                        do! eventually $"process {pid} is gone" (fun () -> not (alive pid))
                }
        ]
