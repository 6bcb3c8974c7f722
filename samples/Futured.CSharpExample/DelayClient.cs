using System.Globalization;

namespace Futured.CSharpExample;

/// <summary>A synchronous client of the delay server: the kind of class <c>Futures.Decorate</c> makes asynchronous.</summary>
internal sealed class DelayClient(HttpClient client)
{
    /// <summary>Fetches /delay/{ms}, blocking the calling thread.</summary>
    public int Get(int ms)
    {
        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, $"/delay/{ms}"));
        using var reader = new StreamReader(response.EnsureSuccessStatusCode().Content.ReadAsStream());
        return int.Parse(reader.ReadToEnd(), CultureInfo.InvariantCulture);
    }

    /// <summary>Fetches two delays one after the other and returns their sum.</summary>
    public int Sum(int first, int second) => Get(first) + Get(second);
}

/// <summary>The asynchronous face of <see cref="DelayClient"/>: each method runs the synchronous one on an executor.</summary>
public interface IDelayClientAsync
{
    /// <summary>Runs <c>Get</c>; the token cancels the call while it waits for the executor.</summary>
    Task<int> GetAsync(int ms, CancellationToken cancellationToken = default);

    /// <summary>Runs <c>Sum</c>.</summary>
    Task<int> SumAsync(int first, int second);
}
