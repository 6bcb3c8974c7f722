using Futured.Internal;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Futured.Distribution;

/// <summary>The reply to one call: a reply kind and payload of the worker-process protocol, and the silo that ran it.</summary>
[GenerateSerializer, Immutable, Alias("Futured.CallReply")]
internal sealed class CallReply
{
    /// <summary>The reply kind: a result, the function's exception, or a serializer failure.</summary>
    [Id(0)] public byte Kind;

    /// <summary>The JSON result, or the error's type, message and stack.</summary>
    [Id(1)] public byte[] Payload = [];

    /// <summary>The address of the silo that ran the call.</summary>
    [Id(2)] public string Silo = "";
}

/// <summary>What a slot's activation says when probed during a call.</summary>
[GenerateSerializer, Immutable, Alias("Futured.SlotStatus")]
internal sealed class SlotStatus
{
    /// <summary>The address of the silo the activation lives on.</summary>
    [Id(0)] public string Silo = "";

    /// <summary>Identifies the activation: a slot re-created elsewhere after its silo died has another.</summary>
    [Id(1)] public Guid Activation;

    /// <summary>Whether this activation is running the probed call, or has finished it.</summary>
    [Id(2)] public bool Seen;
}

/// <summary>
/// One slot of a <see cref="Distributed"/> executor: a grain keyed by (executor, slot number, generation) that
/// runs one call at a time. Its placement (<see cref="SpreadPlacementAttribute"/>) spreads the slots of an executor
/// over every silo of the cluster.
/// </summary>
[Alias("Futured.ISlot")]
internal interface ISlot : IGrainWithStringKey
{
    /// <summary>Runs the function a description stands for on a JSON argument.</summary>
    /// <remarks>The runtime's response timeout does not bound a call (a call may run for hours): whether the silo
    /// running it is still there is watched by <see cref="Probe"/> instead.</remarks>
    [Alias("Call"), ResponseTimeout("365.00:00:00")]
    Task<CallReply> Call(string function, byte[] argument, long call, CancellationToken cancellationToken);

    /// <summary>Answers while a call runs (interleaved with it): where the activation is and whether it has the call.</summary>
    [Alias("Probe"), AlwaysInterleave, ResponseTimeout("00:00:03")]
    Task<SlotStatus> Probe(long call);
}

/// <summary>The grain behind a slot. The function runs on the thread pool, off the activation's scheduler, so that
/// probes and the runtime's cancellation of the call are served while it runs. Its await resumes on the activation's
/// scheduler, as Orleans requires of grain code (that scheduler is the grain's own, never a caller's context).</summary>
[SpreadPlacement]
internal sealed class SlotGrain : Grain, ISlot
{
    private readonly string silo;
    private readonly Guid activation = Guid.NewGuid();
    private long running = -1;
    private long finished = -1;

    public SlotGrain(ILocalSiloDetails details) => silo = details.SiloAddress.ToString();

    public async Task<CallReply> Call(string function, byte[] argument, long call, CancellationToken cancellationToken)
    {
        Volatile.Write(ref running, call);
        try
        {
            var here = silo;
            var (kind, payload) = await Task.Run(
                () =>
                {
                    Distributed.Current.Value = here;
                    return RemoteCall.invoke(function, argument, cancellationToken);
                },
                CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
            return new CallReply { Kind = kind, Payload = payload, Silo = here };
        }
        finally
        {
            Volatile.Write(ref finished, call);
            Volatile.Write(ref running, -1);
        }
    }

    public Task<SlotStatus> Probe(long call) =>
        Task.FromResult(new SlotStatus
        {
            Silo = silo,
            Activation = activation,
            Seen = Volatile.Read(ref running) == call || Volatile.Read(ref finished) == call,
        });
}
