using ECommerce.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Silo.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the database chosen by <c>Storage:Provider</c>, over the same connection string Orleans's
    /// providers use (see <see cref="CommerceStorageSiloBuilderExtensions.ResolveDatabase"/>), and
    /// <see cref="IStorageInitializer"/>, which applies the migrations. <c>AddCommerceStorage</c> calls it; tests of the
    /// database alone call it directly.</summary>
    public static IServiceCollection AddSiloStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(options);
        var (_, connectionString) = CommerceStorageSiloBuilderExtensions.ResolveDatabase(options, configuration);

        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqlDatabase>(_ => options.Provider switch
        {
            StorageProvider.Postgres => new PostgresDatabase(connectionString),
            StorageProvider.MySql => new MySqlDatabase(connectionString),
            _ => new SqliteDatabase(connectionString, options.SqliteBusyTimeout),
        });
        services.TryAddSingleton<IStorageInitializer, MigrationRunner>();
        return services;
    }
}
