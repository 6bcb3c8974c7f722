// The C# example: the facade of Futured as a C# developer uses it, against a local HTTP server on 127.0.0.1.
// Every result is checked; the program exits with 1 on any mismatch.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Futured;
using Futured.CSharpExample;

// Blocking calls on the thread pool: a pool that starts with two threads grows slowly, so raise the minimum first.
ThreadPool.SetMinThreads(32, 32);
var (server, baseAddress) = await DelayServer.StartAsync();
using var client = new HttpClient { BaseAddress = baseAddress };
var blocking = new DelayClient(client);
int[] delays = [300, 100, 500, 50, 250, 0, 400, 150, 350, 200, 450, 75];
var failures = 0;

void Check<T>(string what, T expected, T actual)
{
    if (!EqualityComparer<T>.Default.Equals(expected, actual))
    {
        failures++;
        Console.Error.WriteLine($"MISMATCH in {what}: expected {expected}, got {actual}");
    }
}

void CheckSequence<T>(string what, IEnumerable<T> expected, IEnumerable<T> actual) =>
    Check(what, string.Join(",", expected), string.Join(",", actual));

async Task<int> FetchAsync(int ms) =>
    int.Parse(await client.GetStringAsync($"/delay/{ms}").ConfigureAwait(false), CultureInfo.InvariantCulture);

var clock = Stopwatch.StartNew();

// Futures.Threaded: a synchronous method, made concurrent; MapZip yields (input, result) pairs as completed.
var fetchBlocking = Futures.Threaded<int, int>(blocking.Get);
Console.WriteLine("Threaded + MapZip, as completed:");
var zipped = new List<(int Item, int Result)>();
await foreach (var (ms, body) in fetchBlocking.MapZip(delays))
{
    Console.WriteLine($"  /delay/{ms,-4} -> {body,-4} after {clock.ElapsedMilliseconds,4} ms");
    Check("MapZip pair", ms, body);
    zipped.Add((ms, body));
}
Check("MapZip count", delays.Length, zipped.Count);
CheckSequence("MapZip inputs", delays.Order(), zipped.Select(p => p.Item).Order());

// Futures.Asynced and Map: in input order by default.
var fetch = Futures.Asynced<int, int>(FetchAsync);
var inOrder = new List<int>();
await foreach (var body in fetch.Map(delays))
{
    inOrder.Add(body);
}
CheckSequence("Map in order", delays, inOrder);

// An Asynced executor bounds calls in flight; Map with order, a lazy bound and a deadline.
await using (var limiter = new Asynced(4))
{
    var bounded = limiter.Wrap<int, int>(FetchAsync);
    var asCompleted = new List<int>();
    await foreach (var body in bounded.Map(delays, order: Order.AsCompleted, maxConcurrency: 6, timeout: TimeSpan.FromSeconds(30)))
    {
        asCompleted.Add(body);
    }
    CheckSequence("bounded Map as completed (sorted)", delays.Order(), asCompleted.Order());

    var submitted = await limiter.Submit(() => FetchAsync(42));
    Check("Asynced.Submit", 42, submitted);

    var sum = await limiter.Wrap<int, int, int>(async (a, b) => await FetchAsync(a) + await FetchAsync(b))(10, 20);
    Check("Asynced.Wrap with two arguments", 30, sum);
}

// A Threaded executor: Wrap, Submit, and the token that cancels a queued call.
await using (var pool = new Threaded(2))
{
    var pooled = pool.Wrap<int, int>(blocking.Get);
    Check("Threaded.Wrap", 7, await pooled(7));
    Check("Threaded.Submit", 8, await pool.Submit(() => blocking.Get(8)));
    var sum = await pool.Wrap<int, int, int>(blocking.Sum)(1, 2);
    Check("Threaded.Wrap with two arguments", 3, sum);

    var ran = false;
    await pool.Submit(() => { ran = true; });
    Check("Threaded.Submit of an action", true, ran);

    using var cancelled = new CancellationTokenSource();
    await cancelled.CancelAsync();
    try
    {
        await pool.Submit(() => blocking.Get(1), cancelled.Token);
        Check("a cancelled Submit", "OperationCanceledException", "a result");
    }
    catch (OperationCanceledException)
    {
    }
}

// Results (input order) and AsCompleted (completion order, with a deadline) over running tasks.
var tasks = delays.Select(fetchBlocking).ToList();
var results = new List<int>();
await foreach (var body in tasks.Results())
{
    results.Add(body);
}
CheckSequence("Results", delays, results);

var completed = new List<int>();
await foreach (var body in delays.Select(fetch).AsCompleted(timeout: TimeSpan.FromSeconds(30)))
{
    completed.Add(body);
}
CheckSequence("AsCompleted", delays.Order(), completed);

// A deadline that passes: every result that is ready comes first, then TimeoutException.
var beforeDeadline = new List<int>();
try
{
    await foreach (var body in new[] { fetch(0), fetch(4000) }.AsCompleted(timeout: TimeSpan.FromSeconds(2)))
    {
        beforeDeadline.Add(body);
    }
    Check("a deadline that passes", "TimeoutException", "the end of the stream");
}
catch (TimeoutException)
{
    CheckSequence("results before the deadline", [0], beforeDeadline);
}

// Items: keyed tasks, as value tuples or a dictionary.
var keyed = new List<(string Key, int Value)>();
await foreach (var (key, value) in delays.Select(ms => ($"/delay/{ms}", fetch(ms))).Items())
{
    keyed.Add((key, value));
}
foreach (var (key, value) in keyed)
{
    Check("Items pair", key, $"/delay/{value}");
}
Check("Items count", delays.Length, keyed.Count);

var byName = new Dictionary<string, Task<int>> { ["short"] = fetch(0), ["long"] = fetch(1000) };
var first = new List<string>();
await foreach (var (key, _) in byName.Items())
{
    first.Add(key);
}
CheckSequence("Items over a dictionary, as completed", ["short", "long"], first);

// StarMap: a two-argument function over pairs; Map over an IAsyncEnumerable input.
var add = Futures.Asynced<int, int, int>(async (a, b) => await FetchAsync(a) + await FetchAsync(b));
var sums = new List<int>();
await foreach (var sum in add.StarMap([(1, 2), (30, 40), (100, 200)]))
{
    sums.Add(sum);
}
CheckSequence("StarMap", [3, 70, 300], sums);

var fromAsync = new List<int>();
await foreach (var body in fetch.Map(delays.ToAsyncEnumerable(), maxConcurrency: 3))
{
    fromAsync.Add(body);
}
CheckSequence("Map over an IAsyncEnumerable", delays, fromAsync);

// Decorate: an interface of Task-returning methods over the synchronous client, on an executor.
await using (var pool = new Threaded(3))
{
    var api = Futures.Decorate<IDelayClientAsync>(blocking, pool);
    Check("Decorate GetAsync", 120, await api.GetAsync(120));
    Check("Decorate SumAsync", 30, await api.SumAsync(10, 20));
    var decorated = new List<int>();
    await foreach (var body in Futures.Asynced<int, int>(ms => api.GetAsync(ms)).Map(delays))
    {
        decorated.Add(body);
    }
    CheckSequence("Decorate with Map", delays, decorated);
}
Check("Decorate on the thread pool", 5, await Futures.Decorate<IDelayClientAsync>(blocking).GetAsync(5));

// Decorate with an executor per method: GetAsync on dedicated threads, SumAsync under an async bound; then GetAsync
// named and every other method on a default executor; a name that matches no method is refused when decorating.
await using (var threads = new Threaded(2))
await using (var limiter = new Asynced(2))
{
    var perMethod = Futures.Decorate<IDelayClientAsync, DelayClient>(blocking, ("Get", threads), ("SumAsync", limiter));
    Check("Decorate per method: GetAsync", 15, await perMethod.GetAsync(15));
    Check("Decorate per method: SumAsync", 12, await perMethod.SumAsync(5, 7));
    var withDefault = Futures.Decorate<IDelayClientAsync, DelayClient>(blocking, limiter, ("Get", threads));
    Check("Decorate per method with a default: SumAsync", 9, await withDefault.SumAsync(4, 5));
    try
    {
        Futures.Decorate<IDelayClientAsync, DelayClient>(blocking, ("Get", threads), ("Post", limiter));
        Check("Decorate per method refuses an unknown name", "ArgumentException", "no exception");
    }
    catch (ArgumentException e)
    {
        Check("Decorate per method refuses an unknown name, naming the parameter", "executors", e.ParamName);
        Check("Decorate per method refuses an unknown name, naming it", true, e.Message.Contains("Post", StringComparison.Ordinal));
    }
    try
    {
        Futures.Decorate<IDelayClientAsync, DelayClient>(blocking, ("Get", threads));
        Check("Decorate per method refuses an unnamed method without a default", "ArgumentException", "no exception");
    }
    catch (ArgumentException e)
    {
        Check("Decorate per method refuses an unnamed method without a default", true, e.Message.Contains("SumAsync", StringComparison.Ordinal));
    }
}

// The sync bridges, for code that cannot await.
Check("Futures.Run", 11, Futures.Run(fetch(11)));
CheckSequence("Futures.Iter", [1, 2], Futures.Iter(fetch.Map([1, 2])));

// TaskSet: running tasks as they complete; a failed task is inspected and retried by adding a new one.
var attempts = new ConcurrentDictionary<int, int>();
var flaky = Futures.Asynced<int, int>(async ms =>
{
    if (attempts.AddOrUpdate(ms, 1, (_, n) => n + 1) == 1)
    {
        throw new HttpRequestException($"the first attempt of {ms} fails");
    }
    return await FetchAsync(ms);
});
var keyOf = new ConcurrentDictionary<Task<int>, int>();
Task<int> Attempt(int ms)
{
    var work = flaky(ms);
    keyOf[work] = ms;
    return work;
}
var retries = 0;
var recovered = new List<int>();
await using (var set = Futures.TaskSet([Attempt(30), Attempt(10), Attempt(20)], timeout: TimeSpan.FromSeconds(30)))
{
    await foreach (var done in set)
    {
        if (done.IsFaulted)
        {
            retries++;
            set.Add(Attempt(keyOf[done]));
        }
        else
        {
            recovered.Add(done.Result);
        }
    }
}
Check("TaskSet retries", 3, retries);
CheckSequence("TaskSet results", [10, 20, 30], recovered.Order());

// Waiting: a scope whose tasks are all awaited when it is left, results in registration order.
await using (var scope = Futures.Waiting(fetch(150), fetch(50)))
{
    _ = scope.Start(token => FetchAsync(20));
    CheckSequence("Waiting in registration order", [150, 50, 20], await scope.WaitAsync());
}
var fromBlock = await Futures.Waiting<int>(scope =>
{
    scope.Add(fetch(40));
    scope.Start(_ => FetchAsync(10));
    return Task.CompletedTask;
});
CheckSequence("Waiting with a block", [40, 10], fromBlock);
CheckSequence("WaitAll", [5, 6], await Futures.WaitAll([fetch(5), fetch(6)]));
var siblingCancelled = false;
try
{
    await Futures.Waiting<int>(scope =>
    {
        scope.Start(async token =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
                return 0;
            }
            catch (OperationCanceledException)
            {
                siblingCancelled = true;
                throw;
            }
        });
        scope.Add(Task.FromException<int>(new InvalidOperationException("one task fails")));
        return Task.CompletedTask;
    });
    Check("a failing Waiting scope", "InvalidOperationException", "results");
}
catch (InvalidOperationException e)
{
    Check("Waiting raises the fault itself", "one task fails", e.Message);
}
Check("Waiting cancels the siblings' token", true, siblingCancelled);

// Commands: awaitable for their standard output, piped with |, streamed line by line with await foreach.
var hello = await Futures.Command("echo", "hello");
Check("Command", "hello\n", hello);
var sevens = await (Futures.Command("seq", "1", "1000") | Futures.Command("grep", "7") | Futures.Command("wc", "-l"));
Check("Command pipes", "271", sevens.Trim());
var sorted = await Futures.Command("printf", "b\\na\\n").Pipe(Futures.Command("sort"));
Check("Command.Pipe", "a\nb\n", sorted);
var counted = new List<string>();
await foreach (var line in Futures.Command("seq", "3"))
{
    counted.Add(line);
}
CheckSequence("await foreach over a command", ["1", "2", "3"], counted);
try
{
    await Futures.Shell("echo 'no such file' >&2; exit 2");
    Check("a failing command", "CommandException", "success");
}
catch (CommandException e)
{
    Check("CommandException exit code", 2, e.ExitCode);
    Check("CommandException standard error", "no such file", e.StandardError.Trim());
}
try
{
    await Futures.Command("sleep", "30").WithTimeout(TimeSpan.FromMilliseconds(200));
    Check("a command past its timeout", "TimeoutException", "success");
}
catch (TimeoutException)
{
}
var echo = Futures.Asynced((string word) => Futures.Command("echo", word).RunAsync());
CheckSequence("Commands with Map", ["a\n", "b\n", "c\n"], await echo.Map(["a", "b", "c"], maxConcurrency: 2).ToListAsync());

// Worker processes: static lambdas and methods cross to child .NET processes; arguments and results as JSON.
var square = Futures.Processed(static (int n) => n * n);
CheckSequence("Processed with Map", [1, 4, 9], await square.Map([1, 2, 3]).ToListAsync());
var workerId = await Futures.Processed(static (int _) => Environment.ProcessId)(0);
Check("Processed runs in another process", true, workerId != Environment.ProcessId);
await using (var workers = new Processed(2))
{
    var mirror = workers.Wrap(static (Point p) => p with { X = p.X * 10, Y = p.Y + "!" });
    Check("Processed.Wrap with a record", new Point(40, "p!"), await mirror(new Point(4, "p")));
    try
    {
        var offset = delays.Length;
        workers.Wrap((int n) => n + offset);
        Check("a lambda with captured state", "ArgumentException", "accepted");
    }
    catch (ArgumentException e)
    {
        Check("a lambda with captured state is refused", true, e.Message.Contains("captured state", StringComparison.Ordinal));
    }
}
// Both workers start now, side by side, instead of on the first calls.
await using (var warm = new Processed(2, prestart: true))
{
    Check("a prestarted Processed", 14, await warm.Wrap(static (int n) => n * 2)(7));
}
// Each child writes a file of its own: appends to one file from several processes can overwrite each other.
var forkedFolder = Directory.CreateTempSubdirectory("futured-forked-").FullName;
await Futures.Forked(
    Enumerable.Range(0, 4).Select(i => new ForkJob(forkedFolder, i)),
    static job => File.WriteAllText(Path.Combine(job.Path, $"{job.Index}"), ""),
    maxWorkers: 2);
CheckSequence("Forked", [0, 1, 2, 3], Directory.GetFiles(forkedFolder).Select(file => int.Parse(Path.GetFileName(file))).Order());
Directory.Delete(forkedFolder, recursive: true);
// Worker processes and waiting scopes under cancellation, and two-argument Processed (CancellationChecks.cs).
foreach (var mismatch in await CancellationChecks.RunAsync())
{
    failures++;
    Console.Error.WriteLine(mismatch);
}

// Functions that take the stream's token or return a ValueTask, and deadlines that stop running requests.
foreach (var (what, expected, actual) in await CancellableExamples.RunAsync(client))
{
    Check(what, expected, actual);
}

// The README's C# snippets, with what they print checked.
CheckSequence("README: wrapping functions", ["49 1024"], await ReadmeExamples.Capture(ReadmeExamples.WrappingFunctions));
CheckSequence("README: executors", ["12 42", "10"], await ReadmeExamples.Capture(ReadmeExamples.Executors));
var resultsOutput = await ReadmeExamples.Capture(ReadmeExamples.Results);
Check("README: results in order", "30,10,20", resultsOutput[0]);
Check("README: results as completed", "10,150,300", string.Join(",", resultsOutput[1].Split(',').Select(int.Parse).Order()));
Check("README: the deadline", true, resultsOutput[^1].StartsWith("deadline: ", StringComparison.Ordinal));
CheckSequence(
    "README: the map family",
    ["2,4,6,8,10", "(1, 2),(2, 4),(3, 6)", "3,7", "(a, 2),(b, 4)", string.Join(",", Enumerable.Range(0, 20).Select(n => n * 2)), "10100"],
    await ReadmeExamples.Capture(ReadmeExamples.MapFamily));
CheckSequence("README: waiting with an outer token", ["the scope was cancelled"], await ReadmeExamples.Capture(ReadmeExamples.WaitingWithToken));
CheckSequence(
    "README: worker processes under cancellation",
    ["49", "the call was cancelled", "forked was cancelled"],
    await ReadmeExamples.Capture(ReadmeExamples.ProcessesCancelled));
CheckSequence("README: sync bridges", ["42 InvalidOperationException: boom"], await ReadmeExamples.Capture(ReadmeExamples.SyncBridges));
CheckSequence("README: decorated", ["5 6"], await ReadmeExamples.Capture(ReadmeExamples.Decorated));
CheckSequence(
    "README: decorated per method",
    ["GET /status", "sent hello", "GET /health"],
    await ReadmeExamples.Capture(ReadmeExamples.DecoratedPerMethod));
CheckSequence("README: performance", ["333338333350000"], await ReadmeExamples.Capture(ReadmeExamples.Performance));

await server.StopAsync();
Console.WriteLine(failures == 0 ? "all results correct" : $"{failures} wrong result(s)");
return failures == 0 ? 0 : 1;
