using System.Globalization;

namespace Futured.CSharpExample;

/// <summary>The token-taking and ValueTask forms of the facade against the delay server: every entry point with its
/// results, and deadlines that stop running HTTP requests, shown aborted where the server sees them.</summary>
internal static class CancellableExamples
{
    /// <summary>How long the example waits at most for the server to see a request aborted: an upper bound only.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Runs every example and returns what it checked: (what, expected, actual).</summary>
    public static async Task<List<(string What, string Expected, string Actual)>> RunAsync(HttpClient client)
    {
        var checks = new List<(string What, string Expected, string Actual)>();
        void Check<T>(string what, T expected, T actual) => checks.Add((what, $"{expected}", $"{actual}"));
        void CheckSequence<T>(string what, IEnumerable<T> expected, IEnumerable<T> actual) =>
            Check(what, string.Join(",", expected), string.Join(",", actual));

        int[] delays = [30, 10, 50, 0, 20];
        int[] sorted = [.. delays.Order()];

        async Task<int> FetchAsync(int ms, CancellationToken token) =>
            int.Parse(await client.GetStringAsync($"/delay/{ms}", token).ConfigureAwait(false), CultureInfo.InvariantCulture);
        async ValueTask<int> ReadAsync(int ms) => await FetchAsync(ms, CancellationToken.None).ConfigureAwait(false);
        async ValueTask<int> ReadWithTokenAsync(int ms, CancellationToken token) => await FetchAsync(ms, token).ConfigureAwait(false);

        // Map, MapZip and StarMap of functions that take the stream's token, over sequences and asynchronous ones.
        Func<int, CancellationToken, Task<int>> fetch = FetchAsync;
        CheckSequence("token-taking Map", delays, await fetch.Map(delays).ToListAsync());
        CheckSequence("token-taking Map over an IAsyncEnumerable", delays, await fetch.Map(delays.ToAsyncEnumerable(), maxConcurrency: 2).ToListAsync());
        CheckSequence("token-taking MapZip", sorted, (await fetch.MapZip(delays).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        CheckSequence("token-taking MapZip over an IAsyncEnumerable", sorted, (await fetch.MapZip(delays.ToAsyncEnumerable()).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        Func<int, int, CancellationToken, Task<int>> add = async (a, b, token) => await FetchAsync(a, token) + await FetchAsync(b, token);
        CheckSequence("token-taking StarMap", [3, 70], await add.StarMap([(1, 2), (30, 40)]).ToListAsync());
        CheckSequence("token-taking StarMap over an IAsyncEnumerable", [3, 70], await add.StarMap(new[] { (1, 2), (30, 40) }.ToAsyncEnumerable()).ToListAsync());

        // The same with functions that return a ValueTask, with and without a token.
        Func<int, ValueTask<int>> read = ReadAsync;
        Func<int, CancellationToken, ValueTask<int>> readWithToken = ReadWithTokenAsync;
        CheckSequence("ValueTask Map", delays, await read.Map(delays).ToListAsync());
        CheckSequence("ValueTask Map over an IAsyncEnumerable", delays, await read.Map(delays.ToAsyncEnumerable()).ToListAsync());
        CheckSequence("ValueTask Map with a token", delays, await readWithToken.Map(delays, timeout: TimeSpan.FromSeconds(30)).ToListAsync());
        CheckSequence("ValueTask Map with a token over an IAsyncEnumerable", delays, await readWithToken.Map(delays.ToAsyncEnumerable()).ToListAsync());
        CheckSequence("ValueTask MapZip", sorted, (await read.MapZip(delays).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        CheckSequence("ValueTask MapZip over an IAsyncEnumerable", sorted, (await read.MapZip(delays.ToAsyncEnumerable()).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        CheckSequence("ValueTask MapZip with a token", sorted, (await readWithToken.MapZip(delays).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        CheckSequence("ValueTask MapZip with a token over an IAsyncEnumerable", sorted, (await readWithToken.MapZip(delays.ToAsyncEnumerable()).ToListAsync()).Where(p => p.Item == p.Result).Select(p => p.Result).Order());
        Func<int, int, ValueTask<int>> addValues = async (a, b) => await ReadAsync(a) + await ReadAsync(b);
        Func<int, int, CancellationToken, ValueTask<int>> addValuesWithToken = async (a, b, token) => await ReadWithTokenAsync(a, token) + await ReadWithTokenAsync(b, token);
        CheckSequence("ValueTask StarMap", [3, 70], await addValues.StarMap([(1, 2), (30, 40)]).ToListAsync());
        CheckSequence("ValueTask StarMap over an IAsyncEnumerable", [3, 70], await addValues.StarMap(new[] { (1, 2), (30, 40) }.ToAsyncEnumerable()).ToListAsync());
        CheckSequence("ValueTask StarMap with a token", [3, 70], await addValuesWithToken.StarMap([(1, 2), (30, 40)]).ToListAsync());
        CheckSequence("ValueTask StarMap with a token over an IAsyncEnumerable", [3, 70], await addValuesWithToken.StarMap(new[] { (1, 2), (30, 40) }.ToAsyncEnumerable()).ToListAsync());

        // Futures.Asynced and Asynced.Wrap of a ValueTask function; WrapCancellable on both executors.
        Check("Futures.Asynced of a ValueTask function", 12, await Futures.Asynced<int, int>(ReadAsync)(12));
        Check("Futures.Asynced of a ValueTask lambda", 13, await Futures.Asynced(async ValueTask<int> (int ms) => await ReadAsync(ms))(13));
        try
        {
            await Futures.Asynced((int _) => ValueTask.FromException<int>(new InvalidOperationException("value task fault")))(0);
            Check("a faulted ValueTask", "InvalidOperationException", "a result");
        }
        catch (InvalidOperationException e)
        {
            Check("a faulted ValueTask surfaces as itself", "value task fault", e.Message);
        }
        await using (var limiter = new Asynced(2))
        {
            Check("Asynced.Wrap of a ValueTask function", 14, await limiter.Wrap<int, int>(ReadAsync)(14));
            var limited = limiter.WrapCancellable<int, int>(FetchAsync);
            Check("Asynced.WrapCancellable", 15, await limited(15, CancellationToken.None));
            CheckSequence("Asynced.WrapCancellable with Map", delays, await limited.Map(delays).ToListAsync());
        }
        await using (var pool = new Threaded(2))
        {
            // A blocking client call that takes the token: HttpClient.Send aborts the request when it is cancelled.
            var blocking = pool.WrapCancellable((int ms, CancellationToken token) =>
            {
                using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, $"/delay/{ms}"), token);
                using var reader = new StreamReader(response.EnsureSuccessStatusCode().Content.ReadAsStream(token));
                return int.Parse(reader.ReadToEnd(), CultureInfo.InvariantCulture);
            });
            Check("Threaded.WrapCancellable", 16, await blocking(16, CancellationToken.None));
            CheckSequence("Threaded.WrapCancellable with Map", delays, await blocking.Map(delays).ToListAsync());

            // A deadline stops the blocking request that runs: the server sees it aborted.
            var stoppedBlocking = await StopsAtTheDeadline(blocking, 60_003);
            Check("a deadline over a blocking call: results before it", "10", stoppedBlocking);
            Check("the server saw the blocking request aborted", true, await ServerSawAborted(60_003));
        }

        // A deadline stops the requests still running: each call's token is cancelled, the request aborted (the
        // server sees HttpContext.RequestAborted) and the call ends with OperationCanceledException.
        var cancelledCalls = 0;
        async Task<int> CountedFetchAsync(int ms, CancellationToken token)
        {
            try
            {
                return await FetchAsync(ms, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                Interlocked.Increment(ref cancelledCalls);
                throw;
            }
        }
        var stopped = await StopsAtTheDeadline(CountedFetchAsync, 60_001, 60_002);
        Check("a deadline over running requests: results before it", "10", stopped);
        // DisposeAsync (the end of await foreach) has waited for both calls, so both have ended by now.
        Check("calls that ended because the stream's token was cancelled", 2, cancelledCalls);
        Check("the server saw both requests aborted", true, await ServerSawAborted(60_001, 60_002));

        // The README's snippet, with what it prints checked.
        var printed = await ReadmeExamples.Capture(() => ReadmeExamples.CancellableFunctions(client));
        CheckSequence("README: cancellable functions", ["10", "20", "deadline, cancelled: 1"], printed);
        Check("README: the server saw the 60 s request aborted", true, await ServerSawAborted(60_000));
        CheckSequence("README: cancellable executors and ValueTask functions", ["1,2", "3,4", "5"], await ReadmeExamples.Capture(ReadmeExamples.CancellableExecutors));
        return checks;
    }

    /// <summary>Whether the server sees every request for these delays aborted by its client, within a generous bound.</summary>
    private static async Task<bool> ServerSawAborted(params int[] delays)
    {
        try
        {
            await Task.WhenAll(delays.Select(DelayServer.AbortedAsync)).WaitAsync(Generous);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Maps <paramref name="function"/> over 10 and the long delays with a two-second deadline; returns the
    /// results yielded before the <see cref="TimeoutException"/>, or a note when there was none.</summary>
    private static async Task<string> StopsAtTheDeadline(Func<int, CancellationToken, Task<int>> function, params int[] longDelays)
    {
        var results = new List<int>();
        try
        {
            await foreach (var ms in function.Map([10, .. longDelays], timeout: TimeSpan.FromSeconds(2)))
            {
                results.Add(ms);
            }
            return "no TimeoutException";
        }
        catch (TimeoutException)
        {
            return string.Join(",", results);
        }
    }
}
