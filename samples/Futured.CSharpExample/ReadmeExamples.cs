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

/// <summary>The README's C# snippets, run as they are written there; each returns what it computed.</summary>
internal static class ReadmeExamples
{
    public static async Task<string> WrappingFunctions()
    {
        var square = Futures.Threaded((int x) => x * x);
        await using var pool = new Threaded(2);
        var increment = pool.Wrap((int x) => x + 1);
        var nine = await square(3);
        var four = await increment(3);
        var ten = await pool.Submit(() => 10);
        return $"{nine} {four} {ten}";
    }

    public static async Task<string> Results()
    {
        var square = Futures.Threaded((int x) => x * x);
        var tasks = new[] { 1, 2, 3 }.Select(square).ToList();
        var inOrder = await tasks.Results().ToListAsync();
        var asDone = await tasks.AsCompleted(timeout: TimeSpan.FromSeconds(30)).ToListAsync();
        return $"{string.Join(",", inOrder)} {string.Join(",", asDone.Order())}";
    }

    public static async Task<string> MapFamily()
    {
        var square = Futures.Threaded((int x) => x * x);
        var squares = await square.Map([1, 2, 3]).ToListAsync();
        var pairs = await square.MapZip([1, 2, 3]).ToListAsync();        // (int Item, int Result)
        var add = Futures.Asynced((int a, int b) => Task.FromResult(a + b));
        var sums = await add.StarMap([(1, 2), (3, 4)]).ToListAsync();
        var keyed = await new[] { ("a", square(2)), ("b", square(3)) }.Items().ToListAsync();  // (string Key, int Value)
        var firstTen = await square.Map(Enumerable.Range(0, int.MaxValue), order: Order.AsCompleted, maxConcurrency: 2)
            .Take(10).ToListAsync();
        return string.Join(
            " ",
            string.Join(",", squares),
            string.Join(",", pairs.OrderBy(p => p.Item).Select(p => $"{p.Item}:{p.Result}")),
            string.Join(",", sums),
            string.Join(",", keyed.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")),
            firstTen.Count);
    }

    public static async Task<string> Decorated()
    {
        var inventory = Futures.Decorate<IInventoryAsync>(new Inventory());
        var five = await inventory.CountAsync("apple");
        await using var pool = new Threaded(2);
        var bounded = Futures.Decorate<IInventoryAsync>(new Inventory(), pool);
        var six = await bounded.CountAsync("banana");
        return $"{five} {six}";
    }

    public static string SyncBridges()
    {
        var square = Futures.Threaded((int x) => x * x);
        var nine = Futures.Run(square(3));
        var squares = Futures.Iter(square.Map([1, 2])).ToList();
        return $"{nine} {string.Join(",", squares)}";
    }
}
