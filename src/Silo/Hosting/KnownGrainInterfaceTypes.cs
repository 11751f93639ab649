using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace ECommerce.Silo.Hosting;

/// <summary>Orleans's <see cref="GrainInterfaceTypeResolver"/> works out a grain interface's type id on every
/// <c>GetGrain</c> call (the interface's attributes read by reflection, then its name formatted); a flash sale's profile
/// had that at 5 % of the API's CPU. This provider comes first and answers each interface once worked out, by the same
/// providers and convention, in the same order, that Orleans's resolver would have asked.</summary>
public sealed class KnownGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    private GrainInterfaceTypeResolver? _others;

    /// <summary>Puts the provider before every other, Orleans's own included, whenever they were registered.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (services.Any(s => s.ImplementationType == typeof(KnownGrainInterfaceTypes)))
        {
            return;
        }

        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, KnownGrainInterfaceTypes>());
    }

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        grainInterfaceType = _known.GetOrAdd(type, static (known, self) => self.Others.GetGrainInterfaceType(known), this);
        return true;
    }

    // Built on first use: the other providers are resolved from the same container, after this one was made.
    private GrainInterfaceTypeResolver Others => _others ??= new GrainInterfaceTypeResolver(
        services.GetServices<IGrainInterfaceTypeProvider>().Where(provider => !ReferenceEquals(provider, this)),
        services.GetRequiredService<TypeConverter>());
}
