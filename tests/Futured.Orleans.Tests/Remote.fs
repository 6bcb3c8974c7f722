/// Functions the tests run on silos. They capture nothing; what a test needs to observe or hold goes through
/// the static values below, which the in-process silos share with the test (one process, one copy of each).
module Futured.Orleans.Tests.Remote

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open global.Futured

/// One signal per key: set by a function, awaited by the test.
let private signals = ConcurrentDictionary<string, TaskCompletionSource<string>>()

/// The signal under a key.
let signal (key: string) =
    signals.GetOrAdd(key, fun _ -> TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously))

/// One gate per key: functions wait on it until the test opens it.
let private gates = ConcurrentDictionary<string, ManualResetEventSlim>()

/// The gate under a key.
let gate (key: string) =
    gates.GetOrAdd(key, fun _ -> new ManualResetEventSlim(false))

/// The silo a call runs on.
let whereAmI (_: int) : string = Distributed.CurrentSilo

/// A pure function.
let square (x: int) = x * x

/// Raises in the silo.
let fail (message: string) : int =
    raise (InvalidOperationException message)

/// A result whose declared type cannot cross exactly.
let boxed (x: int) : obj = box x

/// Signals "key/i started on silo", then waits for the gate "key" and returns the silo it ran on.
let hold (key: string, i: int) : string =
    let silo = Distributed.CurrentSilo
    (signal $"{key}/{i}").TrySetResult silo |> ignore

    if not ((gate key).Wait(TimeSpan.FromMinutes 2.0)) then
        raise (TimeoutException "the test never opened the gate")

    silo

/// Returns at once for i < 2; otherwise holds like `hold`.
let quickThenHold (key: string, i: int) : int =
    if i >= 2 then
        hold (key, i) |> ignore

    i

/// Signals that it started, then waits for its token to be cancelled and signals that it saw the cancellation.
let awaitCancellation (key: string) (cancellationToken: CancellationToken) : int =
    (signal $"{key}/started").TrySetResult Distributed.CurrentSilo |> ignore

    if cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMinutes 2.0) then
        (signal $"{key}/cancelled").TrySetResult Distributed.CurrentSilo |> ignore
        cancellationToken.ThrowIfCancellationRequested()

    0
