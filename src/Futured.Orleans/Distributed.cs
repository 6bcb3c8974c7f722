using System.Collections.Concurrent;
using System.Diagnostics;
using Futured.Distribution;
using Futured.Internal;
using Microsoft.FSharp.Core;
using Orleans;
using Orleans.Runtime;

namespace Futured;

/// <summary>
/// An executor that runs functions on the silos of a Microsoft Orleans cluster, at most <c>maxConcurrency</c> calls at
/// once; further calls queue in FIFO order. The original's <c>distributed</c>.
/// </summary>
/// <remarks>
/// <para><b>Functions and values</b> cross as for <see cref="Processed"/>: only functions without captured state (an
/// F# top-level function or a lambda that captures nothing, a C# static method or static lambda), refused with an
/// <see cref="ArgumentException"/> saying why when wrapped; the silos run the same application assemblies and load
/// the function by the name of its class and method. Arguments and results cross as JSON bytes inside the grain
/// call (Orleans' own serializer sees only bytes and strings), by the same rule: a value either arrives exactly as it
/// was sent or the call faults with a <see cref="NotSupportedException"/> naming the type.</para>
/// <para><b>Placement.</b> The executor owns <c>maxConcurrency</c> slots, grains that each run one call at a time,
/// placed in turn over every silo of the cluster (not on the gateway the client talks to, which is where a
/// stateless worker would activate); calls take the free slots in FIFO order, so even calls made one at a time cycle
/// through every silo. Give at least as many slots as there are silos for every silo to receive calls. The silos must
/// call <c>siloBuilder.AddFutured()</c>.</para>
/// <para><b>Faults.</b> An exception in the function faults the call with a <see cref="RemoteException"/> (type,
/// message, remote stack trace). While a call runs longer than a second, the executor probes its slot once a second
/// (a probe waits at most 3 seconds); two failed probes in a row, or a probe that finds the slot re-created without
/// the call (its silo died and the cluster moved on), fault that call with a <see cref="SiloFailedException"/>
/// naming the silo. So a call whose silo dies faults within about 10 seconds (1 + 2 × (3 + 1)), and sooner when the
/// silo's connection is refused at once, as for a killed process. The slot is then re-created on a silo that
/// remains, and the lost silo is avoided for the executor's later calls. A call the cluster could not deliver at all
/// (Orleans rejected the message: its gateway, target silo or the silo holding its directory entry had just died)
/// never ran, and is sent again, a quarter second more apart each time (at most 2 seconds apart), for up to 45 seconds
/// from its first send, before it faults with that rejection: long enough for the cluster's membership to declare a
/// dead silo dead with Orleans' default failure detection, after which the call goes to a silo that remains.</para>
/// <para><b>Cancellation.</b> Cancelling a queued call removes it from the queue. Cancelling a running call cancels
/// the task at once and cancels the call on its silo: a function that takes a <see cref="CancellationToken"/> receives
/// one that is then cancelled. A call may run as long as it needs (the runtime's response timeout is set to a year).</para>
/// <para><b>Disposal.</b> <c>DisposeAsync</c> stops accepting work (later calls fault with
/// <see cref="ObjectDisposedException"/>) and completes when every accepted call has finished. The cluster client
/// belongs to the caller and stays open; idle slot activations are collected by the silos.</para>
/// <para>Inside a call, <see cref="CurrentSilo"/> is the address of the silo running it.</para>
/// </remarks>
public sealed class Distributed : IExecutor, IRemoteExecutor, IAsyncDisposable, IDisposable
{
    /// <summary>How often a running call's slot is probed.</summary>
    internal static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many probes in a row may fail before the call is taken as lost.</summary>
    internal const int FailedProbesAllowed = 2;

    /// <summary>How many probes may find the call not yet started on a live slot before it is taken as lost.</summary>
    internal const int UnseenProbesAllowed = 3;

    /// <summary>How long a call the cluster could not deliver is sent again, from its first send.</summary>
    internal static readonly TimeSpan ResendWindow = TimeSpan.FromSeconds(45);

    /// <summary>The longest pause between two sends of a call the cluster could not deliver.</summary>
    internal static readonly TimeSpan LongestResendPause = TimeSpan.FromSeconds(2);

    internal static readonly AsyncLocal<string?> Current = new();

    private static long nextCall;

    private readonly IGrainFactory grains;
    private readonly Limiter limiter;
    private readonly ConcurrentQueue<Slot> free = new();
    private readonly ConcurrentDictionary<string, bool> lost = new();
    private readonly string instance = Guid.NewGuid().ToString("N");
    private volatile string? avoid;

    /// <summary>Creates an executor over the cluster a client is connected to; no grain is activated until the first call.</summary>
    /// <param name="client">A connected cluster client; it stays the caller's to dispose.</param>
    /// <param name="maxConcurrency">The most calls running at once, and the number of slots spread over the silos.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public Distributed(IClusterClient client, int maxConcurrency)
        : this((IGrainFactory)client ?? throw new ArgumentNullException(nameof(client)), maxConcurrency)
    {
    }

    /// <summary>Creates an executor from a grain factory (a cluster client, or a silo's own factory inside a grain).</summary>
    /// <param name="grainFactory">The grain factory.</param>
    /// <param name="maxConcurrency">The most calls running at once, and the number of slots spread over the silos.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="grainFactory"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="maxConcurrency"/> is zero or negative.</exception>
    public Distributed(IGrainFactory grainFactory, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        grains = grainFactory;
        MaxConcurrency = maxConcurrency;
        limiter = new Limiter(maxConcurrency, nameof(Distributed));
        for (var i = 0; i < maxConcurrency; i++)
        {
            free.Enqueue(new Slot(i));
        }
    }

    /// <summary>The most calls running at once, and the number of slots.</summary>
    public int MaxConcurrency { get; }

    /// <summary>Inside a call run by a <see cref="Distributed"/> executor, the address of the silo running it (as
    /// Orleans writes a silo address); null elsewhere.</summary>
    public static string? CurrentSilo => Current.Value;

    /// <summary>Wraps a function so that each call runs on a silo and returns a task of its result (F#:
    /// <c>distributed.Wrap f</c>; C# uses the <see cref="DistributedExtensions"/> overloads that take delegates).</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">An F# top-level function or a lambda that captures nothing.</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state or comes from a script.</exception>
    public FSharpFunc<T, Task<TResult>> Wrap<T, TResult>(FSharpFunc<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var description = RemoteCall.ofFunction(nameof(function), function);
        return FuncConvert.FromFunc<T, Task<TResult>>(argument => Call<T, TResult>(description, argument, CancellationToken.None));
    }

    /// <summary>Wraps a function whose second argument is a cancellation token (<c>let f x (ct: CancellationToken) = ...</c>);
    /// the wrapped function takes the token that cancels the call on its silo.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">An F# top-level function or a lambda that captures nothing.</param>
    /// <returns>A function whose calls queue on this executor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state or comes from a script.</exception>
    public FSharpFunc<T, FSharpFunc<CancellationToken, Task<TResult>>> WrapCancellable<T, TResult>(
        FSharpFunc<T, FSharpFunc<CancellationToken, TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var description = RemoteCall.ofFunction(nameof(function), function);
        return FuncConvert.FromFunc<T, FSharpFunc<CancellationToken, Task<TResult>>>(
            argument => FuncConvert.FromFunc<CancellationToken, Task<TResult>>(
                cancellationToken => Call<T, TResult>(description, argument, cancellationToken)));
    }

    /// <summary>Runs one call of a function on a silo.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">An F# top-level function or a lambda that captures nothing.</param>
    /// <param name="argument">Its argument, serialised as JSON.</param>
    /// <param name="cancellationToken">Removes the call while it is queued; cancels it on its silo while it runs.</param>
    /// <returns>The task of the call's result.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentException">When <paramref name="function"/> captures state or comes from a script.</exception>
    public Task<TResult> Submit<T, TResult>(FSharpFunc<T, TResult> function, T argument, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Call<T, TResult>(RemoteCall.ofFunction(nameof(function), function), argument, cancellationToken);
    }

    /// <summary>Runs synchronous work on a silo, when the work captures nothing (an F# <c>fun () -> ...</c> that refers
    /// only to top-level values); work that captures state is refused, and decorating an object with a
    /// <c>Distributed</c> is refused when decorating.</summary>
    /// <exception cref="ArgumentException">When <paramref name="work"/> captures state.</exception>
    Task<T> IExecutor.Submit<T>(FSharpFunc<Unit, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Call<Unit, T>(RemoteCall.ofFunction(nameof(work), work), null!, cancellationToken);
    }

    /// <summary>Stops accepting work and completes when every accepted call has finished.</summary>
    /// <returns>A task that completes when the executor is idle.</returns>
    public ValueTask DisposeAsync() => new(limiter.Close());

    /// <summary>Stops accepting work and blocks until every accepted call has finished; prefer
    /// <see cref="DisposeAsync"/> in asynchronous code.</summary>
    public void Dispose() => limiter.Close().GetAwaiter().GetResult();

    internal Task<TResult> Call<T, TResult>(string function, T argument, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            RemoteCall.validate(typeof(TResult));
            bytes = RemoteCall.serialize(argument);
        }
        catch (Exception e)
        {
            return Task.FromException<TResult>(e);
        }

        return limiter.Run(
            FuncConvert.FromFunc(() => Run<TResult>(function, bytes, cancellationToken)),
            cancellationToken);
    }

    private async Task<TResult> Run<TResult>(string function, byte[] argument, CancellationToken cancellationToken)
    {
        if (!free.TryDequeue(out var slot))
        {
            // The limiter admits at most as many calls as there are slots.
            throw new InvalidOperationException("No free slot: the executor admitted more calls than it has slots.");
        }

        CallReply reply;
        try
        {
            var firstSend = Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    reply = await Execute(slot, function, argument, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (OrleansMessageRejectionException)
                    when (Stopwatch.GetElapsedTime(firstSend) < ResendWindow && !cancellationToken.IsCancellationRequested)
                {
                    // The cluster could not deliver the call (a gateway or silo that just died, and until membership
                    // declares it dead, lookups that still lead to it): it never ran, so it is sent again, to a fresh
                    // slot, once the client has had a moment to drop the dead connection.
                    slot.Generation++;
                    var pause = TimeSpan.FromMilliseconds(Math.Min(250.0 * attempt, LongestResendPause.TotalMilliseconds));
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // Whatever the slot's activation is doing now (a cancelled function still running, a lost silo), the
            // next call on this slot goes to a fresh one.
            slot.Generation++;
            throw;
        }
        finally
        {
            free.Enqueue(slot);
        }

        return RemoteCall.decode<TResult>(reply.Kind, reply.Payload);
    }

    private async Task<CallReply> Execute(Slot slot, string function, byte[] argument, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var grain = grains.GetGrain<ISlot>($"{instance}/{slot.Number}/{slot.Generation}");
        var callId = Interlocked.Increment(ref nextCall);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var avoiding = avoid;
        var call = avoiding is null
            ? grain.Call(function, argument, callId, stop.Token)
            : CallAvoiding(grain, function, argument, callId, avoiding, stop.Token);

        // Where the slot's activation lives, as its probes tell: a slot whose silo is not known yet (a new one) is
        // probed at once, so that a call lost in its first second still names its silo.
        var silo = slot.Silo;
        var activation = Guid.Empty;
        var seen = false;
        var failedProbes = 0;
        var unseenProbes = 0;
        Exception? lastFailure = null;
        var wait = silo is null ? TimeSpan.Zero : ProbeInterval;
        while (!call.IsCompleted)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.WhenAny(call, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
            }

            wait = ProbeInterval;
            if (call.IsCompleted)
            {
                break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Observe(call);
                stop.Cancel();
                throw new OperationCanceledException("The call was cancelled; it was cancelled on its silo too.", cancellationToken);
            }

            SlotStatus? status = null;
            try
            {
                status = await grain.Probe(callId).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                lastFailure = e;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            if (call.IsCompleted)
            {
                break;
            }

            string? why = null;
            if (status is null)
            {
                if (++failedProbes >= FailedProbesAllowed)
                {
                    why = $"{failedProbes} probes in a row failed";
                }
            }
            else
            {
                failedProbes = 0;
                if (activation == Guid.Empty)
                {
                    activation = status.Activation;
                    silo = status.Silo;
                    slot.Silo = silo;
                }

                if (status.Activation != activation)
                {
                    why = "its slot was found re-created on another silo, without the call";
                }
                else if (status.Seen)
                {
                    seen = true;
                }
                else if (!seen && ++unseenProbes >= UnseenProbesAllowed)
                {
                    why = $"the call never reached its slot in {unseenProbes} probes";
                }
            }

            if (why is not null)
            {
                var lostOn = silo ?? "unknown";
                Observe(call);
                stop.Cancel();
                Lose(lostOn);
                throw new SiloFailedException(
                    lostOn,
                    $"The silo {lostOn} running this call stopped answering before the call completed ({why}); the call is lost.",
                    lastFailure);
            }
        }

        var reply = await call.ConfigureAwait(false);
        slot.Silo = reply.Silo;
        return reply;
    }

    private static async Task<CallReply> CallAvoiding(
        ISlot grain,
        string function,
        byte[] argument,
        long callId,
        string avoiding,
        CancellationToken cancellationToken)
    {
        // Set inside an async method, the request context holds the silos to avoid for this call only.
        RequestContext.Set(SpreadPlacement.AvoidKey, avoiding);
        return await grain.Call(function, argument, callId, cancellationToken).ConfigureAwait(false);
    }

    private void Lose(string silo)
    {
        if (silo != "unknown" && lost.TryAdd(silo, true))
        {
            avoid = string.Join('|', lost.Keys);
        }
    }

    private static void Observe(Task task) =>
        task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private sealed class Slot(int number)
    {
        public int Number { get; } = number;

        public int Generation { get; set; }

        public string? Silo { get; set; }
    }
}
