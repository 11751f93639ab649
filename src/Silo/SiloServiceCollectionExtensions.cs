using System.Reflection;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo;

public static class SiloServiceCollectionExtensions
{
    /// <summary>Hosts the grain classes found in <paramref name="grainAssemblies"/> in this process, as Orleans co-hosting does.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration, params Assembly[] grainAssemblies)
    {
        services.AddOptions<SiloOptions>().BindConfiguration("Silo");
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SiloMetrics>();
        services.AddSingleton(new GrainTypeRegistry(grainAssemblies.SelectMany(GrainTypeRegistry.GrainClassesIn)));
        services.AddSingleton<ReminderService>();
        services.AddSingleton(sp => new SiloRuntime(
            sp.GetRequiredService<GrainTypeRegistry>(),
            sp,
            sp.GetRequiredService<IGrainStorage>(),
            sp.GetRequiredService<ReminderService>(),
            sp.GetRequiredService<SiloMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SiloOptions>>(),
            sp.GetRequiredService<ILogger<SiloRuntime>>()));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntime>());
        services.AddSiloStorage(configuration);
        services.AddSingleton<ISiloStartupTask, StorageStartupTask>();
        services.AddHostedService<SiloHostedService>();
        return services;
    }

    /// <summary>Migrations run before the first grain activates.</summary>
    private sealed class StorageStartupTask(IStorageInitializer initializer) : ISiloStartupTask
    {
        public Task ExecuteAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);
    }
}
