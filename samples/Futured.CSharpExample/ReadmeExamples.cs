namespace Futured.CSharpExample;

/// <summary>A synchronous class, decorated in the README.</summary>
public class Inventory
{
    /// <summary>Counts the letters of an item's name.</summary>
    public int Count(string item) => item.Length;
}

/// <summary>The asynchronous face of <see cref="Inventory"/>.</summary>
public interface IInventoryAsync
{
    /// <summary>Runs <c>Count</c> on an executor.</summary>
    Task<int> CountAsync(string item, CancellationToken cancellationToken = default);
}

/// <summary>A synchronous client, decorated with an executor per method in the README.</summary>
public class Client
{
    /// <summary>Makes a request (blocking I/O in a real client).</summary>
    public string Request(string path) => $"GET {path}";

    /// <summary>Sends a body.</summary>
    public void Send(string body) => Console.WriteLine($"sent {body}");
}

/// <summary>The asynchronous face of <see cref="Client"/>.</summary>
public interface IClientAsync
{
    /// <summary>Runs <c>Request</c> on its executor.</summary>
    Task<string> RequestAsync(string path);

    /// <summary>Runs <c>Send</c> on its executor.</summary>
    ValueTask SendAsync(string body);
}

/// <summary>The README's C# snippets, as they are written there; each runs with the console captured.</summary>
internal static class ReadmeExamples
{
    /// <summary>Runs a snippet and returns the lines it wrote to the console.</summary>
    public static async Task<string[]> Capture(Func<Task> snippet)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            await snippet();
        }
        finally
        {
            Console.SetOut(original);
        }
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task WrappingFunctions()
    {
        var square = Futures.Threaded((int n) => n * n);
        var power = Futures.Threaded((int b, int e) => (int)Math.Pow(b, e));
        Task<int> t = square(7);
        Console.WriteLine($"{await t} {await power(2, 10)}"); // 49 1024
    }

    public static async Task Executors()
    {
        await using var pool = new Threaded(2);
        var parse = pool.Wrap((string s) => int.Parse(s));
        var answer = pool.Submit(() => 6 * 7);
        Console.WriteLine($"{await parse("12")} {await answer}"); // 12 42

        await using var limiter = new Asynced(4);
        var later = limiter.Wrap(async (int ms) =>
        {
            await Task.Delay(ms);
            return ms;
        });
        Console.WriteLine(await later(10)); // 10
    }

    public static async Task WaitingWithToken()
    {
        using var outer = new CancellationTokenSource(); // a request's or the application's token
        var results = Futures.Waiting<int>(scope =>
        {
            scope.Start(async token =>
            {
                await Task.Delay(Timeout.Infinite, token); // stops when the scope's token is cancelled
                return 0;
            });
            return Task.CompletedTask;
        }, outer.Token);
        outer.Cancel(); // cancels the scope's token; the scope ends once every task has finished
        try
        {
            await results;
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("the scope was cancelled");
        }
    }

    public static async Task ProcessesCancelled()
    {
        await using var pool = new Processed(2);
        var add = pool.Wrap(static (int a, int b) => a + b);
        Console.WriteLine(await pool.Submit(static (int n) => n * n, await add(3, 4))); // 49
        // A call that takes a token: cancelling it kills the worker running the call, which is replaced.
        var stuck = pool.WrapCancellable(static (int ms) =>
        {
            Thread.Sleep(ms);
            return ms;
        });
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await stuck(300_000, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("the call was cancelled");
        }
        // Forked with one child per processor at most, under a token: cancelling it kills the running children
        // and starts no more.
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await Futures.Forked(Enumerable.Range(0, 100), static ms => Thread.Sleep(300_000), cancellationToken: stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("forked was cancelled");
        }
    }

    public static async Task Results()
    {
        var slow = Futures.Threaded((int ms) =>
        {
            Thread.Sleep(ms);
            return ms;
        });
        Console.WriteLine(string.Join(",", await new[] { slow(30), slow(10), slow(20) }.Results().ToListAsync())); // 30,10,20
        Console.WriteLine(string.Join(",", await new[] { slow(300), slow(10), slow(150) }.AsCompleted().ToListAsync())); // fastest first

        var never = new TaskCompletionSource<int>().Task;
        try
        {
            await foreach (var x in new[] { slow(0), never }.AsCompleted(timeout: TimeSpan.FromMilliseconds(50)))
            {
                Console.WriteLine($"in time: {x}");
            }
        }
        catch (TimeoutException e)
        {
            Console.WriteLine($"deadline: {e.Message}");
        }
    }

    public static async Task MapFamily()
    {
        var twice = Futures.Threaded((int n) => n * 2);
        Console.WriteLine(string.Join(",", await twice.Map(Enumerable.Range(1, 5)).ToListAsync())); // 2,4,6,8,10
        Console.WriteLine(string.Join(",", (await twice.MapZip([1, 2, 3]).ToListAsync()).Order())); // (1, 2),(2, 4),(3, 6)
        var add = Futures.Threaded((int a, int b) => a + b);
        Console.WriteLine(string.Join(",", await add.StarMap([(1, 2), (3, 4)]).ToListAsync())); // 3,7
        var keyed = new Dictionary<string, Task<int>> { ["a"] = twice(1), ["b"] = twice(2) };
        Console.WriteLine(string.Join(",", (await keyed.Items().ToListAsync()).Order())); // (a, 2),(b, 4)

        // Lazily over an endless input, at most 8 calls in flight, the first 20 results in order.
        var naturals = Enumerable.Range(0, int.MaxValue);
        Console.WriteLine(string.Join(",", await twice.Map(naturals, maxConcurrency: 8).Take(20).ToListAsync()));

        // As completed, with a total deadline.
        var all = await twice.Map(Enumerable.Range(1, 100), order: Order.AsCompleted, timeout: TimeSpan.FromSeconds(10)).ToListAsync();
        Console.WriteLine(all.Sum()); // 10100
    }

    public static async Task CancellableFunctions(HttpClient client)
    {
        // client: an HttpClient whose BaseAddress is the example's delay server (samples/Futured.CSharpExample).
        // Each call gets the stream's token: the deadline cancels it, and HttpClient aborts the request still running.
        var cancelled = 0;
        var fetch = async (int ms, CancellationToken token) =>
        {
            try
            {
                return await client.GetStringAsync($"/delay/{ms}", token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        };
        try
        {
            await foreach (var body in fetch.Map([10, 20, 60_000], timeout: TimeSpan.FromSeconds(2)))
            {
                Console.WriteLine(body); // 10, then 20
            }
        }
        catch (TimeoutException)
        {
            // Leaving await foreach waited for the cancelled call to end.
            Console.WriteLine($"deadline, cancelled: {cancelled}"); // deadline, cancelled: 1
        }
    }

    public static async Task CancellableExecutors()
    {
        await using var pool = new Threaded(4);
        var wait = pool.WrapCancellable((int ms, CancellationToken token) => token.WaitHandle.WaitOne(ms) ? -1 : ms);
        Console.WriteLine(string.Join(",", await wait.Map([1, 2], timeout: TimeSpan.FromSeconds(10)).ToListAsync())); // 1,2

        Func<int, ValueTask<int>> cached = n => ValueTask.FromResult(n);
        Console.WriteLine(string.Join(",", await cached.Map([3, 4]).ToListAsync())); // 3,4
        Console.WriteLine(await Futures.Asynced(cached)(5)); // 5
    }

    public static Task SyncBridges()
    {
        var total = Futures.Run(Task.FromResult(40 + 2));
        try
        {
            Futures.Run(Futures.Threaded<int, int>(_ => throw new InvalidOperationException("boom"))(0));
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"{total} {e.GetType().Name}: {e.Message}"); // 42 InvalidOperationException: boom
        }
        return Task.CompletedTask;
    }

    public static async Task Decorated()
    {
        var inventory = Futures.Decorate<IInventoryAsync>(new Inventory());
        await using var pool = new Threaded(2);
        var bounded = Futures.Decorate<IInventoryAsync>(new Inventory(), pool);
        Console.WriteLine($"{await inventory.CountAsync("apple")} {await bounded.CountAsync("banana")}"); // 5 6
    }

    public static async Task DecoratedPerMethod()
    {
        await using var io = new Threaded(4);
        await using var light = new Asynced(16);
        var client = Futures.Decorate<IClientAsync, Client>(new Client(), ("Request", io), ("Send", light));
        Console.WriteLine(await client.RequestAsync("/status")); // GET /status
        await client.SendAsync("hello"); // sent hello
        var everyOther = Futures.Decorate<IClientAsync, Client>(new Client(), io, ("Send", light));
        Console.WriteLine(await everyOther.RequestAsync("/health")); // GET /health
    }

    public static async Task Performance()
    {
        var square = Futures.Threaded((long n) => n * n);
        var squares = await square.Map(Enumerable.Range(1, 100_000).Select(n => (long)n), maxConcurrency: 64).ToListAsync();
        Console.WriteLine(squares.Sum()); // 333338333350000
    }
}
