using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the provider chosen by <c>Storage:Provider</c>, <see cref="IGrainStorage"/>, <see cref="IReminderTable"/>
    /// and <see cref="IStorageInitializer"/> (call it once at start-up, before the first grain activates).</summary>
    public static IServiceCollection AddSiloStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageMetrics>();
        services.TryAddSingleton(provider => CreateDatabase(provider.GetRequiredService<IOptions<StorageOptions>>().Value, configuration));
        services.TryAddSingleton<IGrainStorage, SqlGrainStorage>();
        services.TryAddSingleton<IReminderTable, SqlReminderTable>();
        services.TryAddSingleton<IStorageInitializer, MigrationRunner>();
        return services;
    }

    /// <summary>Stores <typeparamref name="TState"/> through <typeparamref name="TTable"/> instead of the JSON table.</summary>
    public static IServiceCollection AddStateTable<TState, TTable>(this IServiceCollection services)
        where TState : class
        where TTable : class, IStateTable<TState>
    {
        services.AddSingleton<IStateTable<TState>, TTable>();
        return services;
    }

    /// <summary>Lets a grain stage records of exactly type <typeparamref name="TRecord"/> with its state writes.</summary>
    public static IServiceCollection AddRecordWriter<TRecord, TWriter>(this IServiceCollection services)
        where TRecord : class
        where TWriter : class, IRecordWriter<TRecord>
    {
        services.AddSingleton<IRecordWriter<TRecord>, TWriter>();
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
