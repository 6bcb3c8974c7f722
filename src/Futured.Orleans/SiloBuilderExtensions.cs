using Futured.Distribution;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Hosting;

namespace Futured;

/// <summary>Registers, on a silo, what serves the calls of <see cref="Distributed"/> executors.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Lets this silo run the calls of <see cref="Distributed"/> executors: registers the placement that spreads
    /// their slots over every silo. Call it on every silo of the cluster. The silo must run the application's
    /// assemblies (the ones the wrapped functions come from): it loads each function by the name the client sends.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="builder"/> is null.</exception>
    public static ISiloBuilder AddFutured(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Registered explicitly: Orleans finds grain classes in the assemblies already loaded or listed as depending on
        // its serializer, and a silo may be configured before anything has loaded this one.
        builder.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(SlotGrain).Assembly));
        return builder.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
    }
}
