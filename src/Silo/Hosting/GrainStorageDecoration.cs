using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ECommerce.Silo.Hosting;

/// <summary>Puts a wrapper in place of a keyed grain storage registered by an Orleans provider.</summary>
internal static class GrainStorageDecoration
{
    public static void Decorate(IServiceCollection services, string name, string innerSuffix,
        Func<IServiceProvider, IGrainStorage, IGrainStorage> wrap)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService
            && Equals(d.ServiceKey, name) && d.KeyedImplementationFactory is not null)
            ?? throw new InvalidOperationException($"No keyed grain storage '{name}' to wrap.");
        var innerKey = name + ":" + innerSuffix;
        services.Remove(registered);
        // The provider's factory reads its options by the key it is given: keep giving it the storage's own name.
        var create = registered.KeyedImplementationFactory!;
        services.AddKeyedSingleton<IGrainStorage>(innerKey, (sp, _) => (IGrainStorage)create(sp, name));
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => wrap(sp, sp.GetRequiredKeyedService<IGrainStorage>(innerKey)));
    }
}
