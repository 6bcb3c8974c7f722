namespace Futured.CSharpExample;

/// <summary>A record that crosses to a worker process and back as JSON.</summary>
public record Point(int X, string Y);

/// <summary>The value each forked child receives: where to write, and what.</summary>
public record ForkJob(string Path, int Index);
