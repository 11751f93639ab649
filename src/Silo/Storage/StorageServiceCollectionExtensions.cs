using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the database chosen by <c>Storage:Provider</c> and <see cref="IStorageInitializer"/>, which
    /// applies the migrations (call it once at start-up, before the first grain activates).</summary>
    public static IServiceCollection AddSiloStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => CreateDatabase(provider.GetRequiredService<IOptions<StorageOptions>>().Value, configuration));
        services.TryAddSingleton<IStorageInitializer, MigrationRunner>();
        return services;
    }

    private static SqlDatabase CreateDatabase(StorageOptions options, IConfiguration configuration) => options.Provider switch
    {
        StorageProvider.Sqlite => new SqliteDatabase(
            configuration.GetConnectionString("Sqlite") is { Length: > 0 } sqlite ? sqlite : StorageOptions.DefaultSqliteConnectionString,
            options.SqliteBusyTimeout),
        StorageProvider.Postgres => new PostgresDatabase(
            configuration.GetConnectionString("Postgres") is { Length: > 0 } connectionString
                ? connectionString
                : throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set.")),
        _ => throw new InvalidOperationException($"Unknown Storage:Provider '{options.Provider}'."),
    };
}
