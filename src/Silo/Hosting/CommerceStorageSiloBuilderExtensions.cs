using System.Data.Common;
using System.Globalization;
using ECommerce.Grains;
using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Npgsql;
using Orleans;
using Orleans.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace ECommerce.Silo.Hosting;

public static class CommerceStorageSiloBuilderExtensions
{
    /// <summary>ADO.NET invariant for PostgreSQL.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>ADO.NET invariant under which Orleans opens MySqlConnector connections (Orleans does not know the name
    /// <c>MySqlConnector</c>).</summary>
    public const string MySqlInvariant = "MySql.Data.MySqlConnector";

    /// <summary>ADO.NET invariant under which Orleans opens Microsoft.Data.Sqlite connections.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>Npgsql pool bound per silo when the connection string sets none: Npgsql's default of 100 per silo
    /// lets a few silos exhaust the server's connections.</summary>
    public const int DefaultPostgresMaxPoolSize = 20;

    /// <summary>Statements Npgsql prepares per pooled connection when the connection string sets no
    /// <c>Max Auto Prepare</c>: Orleans sends a handful of fixed statements (grain state, reminders, stream queue),
    /// each parsed and planned once per connection instead of per call.</summary>
    public const int DefaultPostgresMaxAutoPrepare = 32;

    /// <summary>MySqlConnector pool bound per silo when the connection string sets none, for the same reason.</summary>
    public const int DefaultMySqlMaxPoolSize = 20;

    /// <summary>Orleans ADO.NET grain storage <see cref="GrainStorage.Name"/> and ADO.NET reminders on the database
    /// chosen by <c>Storage:Provider</c> and <c>ConnectionStrings:Sqlite</c> / <c>Postgres</c> / <c>MySql</c>, with the
    /// project's migrations (which hold the Orleans tables and queries) applied while the silo starts, before either
    /// is first used. Reminders go to Redis instead when <c>Reminders:Provider</c> is <c>Redis</c>. Reminder timing
    /// (<c>ReminderOptions</c>) is left to the caller.</summary>
    public static ISiloBuilder AddCommerceStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);

        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(options);
        var (invariant, connectionString) = ResolveDatabase(options, configuration);

        var services = silo.Services;
        services.AddSiloStorage(configuration);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StorageMigrationParticipant>();

        silo.AddAdoNetGrainStorage(GrainStorage.Name, storage =>
        {
            storage.Invariant = invariant;
            storage.ConnectionString = connectionString;
        });
        if (options.Provider == StorageProvider.Sqlite)
        {
            SerializedSqliteGrainStorage.Decorate(services, GrainStorage.Name);
        }
        else if (options.Provider == StorageProvider.Postgres)
        {
            services.AddOptions<StateWriteBatchOptions>().Bind(configuration.GetSection(StateWriteBatchOptions.Section));
            services.AddSingleton(sp => new PostgresStatementBatcher(connectionString, sp.GetRequiredService<IOptions<StateWriteBatchOptions>>().Value));
            BatchedPostgresGrainStorage.Decorate(services, GrainStorage.Name);
        }
        // States are [GenerateSerializer] records with stable [Id]s: store them with Orleans's own version-tolerant
        // serializer. The provider's default JSON one writes "$id" into immutable dictionaries (product, coupon,
        // catalog, ranking states) and then cannot read them back.
        services.AddOptions<AdoNetGrainStorageOptions>(GrainStorage.Name)
            .Configure<Serializer>((storage, serializer) =>
                storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        var reminderProvider = configuration.GetSection(CommerceReminderOptions.Section).Get<CommerceReminderOptions>()?.Provider
            ?? ReminderProvider.Storage;
        if (reminderProvider == ReminderProvider.Redis)
        {
            var redis = CommerceClusteringSiloBuilderExtensions.RedisConfiguration(configuration, "Reminders:Provider is Redis");
            silo.UseRedisReminderService(reminders => reminders.ConfigurationOptions = redis);
        }
        else
        {
            silo.UseAdoNetReminderService(reminders =>
            {
                reminders.Invariant = invariant;
                reminders.ConnectionString = connectionString;
            });
            if (options.Provider == StorageProvider.Postgres)
            {
                BatchedPostgresReminderTable.Decorate(services);
            }
        }

        return silo;
    }

    /// <summary>The invariant and the connection string Orleans and the migrations use.</summary>
    internal static (string Invariant, string ConnectionString) ResolveDatabase(StorageOptions options, IConfiguration configuration) =>
        options.Provider switch
        {
            StorageProvider.Sqlite => (SqliteInvariant, SqliteConnectionString(
                configuration.GetConnectionString("Sqlite") is { Length: > 0 } sqlite ? sqlite : StorageOptions.DefaultSqliteConnectionString,
                options.SqliteBusyTimeout)),
            StorageProvider.Postgres => (PostgresInvariant, PostgresConnectionString(
                configuration.GetConnectionString("Postgres") is { Length: > 0 } postgres
                    ? postgres
                    : throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set."))),
            StorageProvider.MySql => (MySqlInvariant, MySqlConnectionString(
                configuration.GetConnectionString("MySql") is { Length: > 0 } mySql
                    ? mySql
                    : throw new InvalidOperationException("Storage:Provider is MySql but ConnectionStrings:MySql is not set."))),
            _ => throw new InvalidOperationException($"Unknown Storage:Provider '{options.Provider}'."),
        };

    /// <summary>Bounds the pool at <see cref="DefaultPostgresMaxPoolSize"/> unless the string sets a bound itself. Unless
    /// the string says otherwise, it also keeps a pooled connection's prepared statements: Orleans's statements leave no
    /// session state behind (no SET, temporary table or session lock), so the <c>DISCARD ALL</c> Npgsql sends by default
    /// on every return to the pool only throws away the plans <see cref="DefaultPostgresMaxAutoPrepare"/> keeps.</summary>
    internal static string PostgresConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetsKey(connectionString, "maximumpoolsize", "maxpoolsize"))
        {
            builder.MaxPoolSize = DefaultPostgresMaxPoolSize;
        }

        if (!SetsKey(connectionString, "maxautoprepare"))
        {
            builder.MaxAutoPrepare = DefaultPostgresMaxAutoPrepare;
        }

        if (!SetsKey(connectionString, "noresetonclose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>Bounds the pool at <see cref="DefaultMySqlMaxPoolSize"/> unless the string sets a bound, and sets what the
    /// project's MySQL queries rely on: affected rows, not found rows (the grain-state write tells an insert (1), an
    /// update (2) and a refused write (0) apart by <c>ROW_COUNT()</c>), and DATETIME values read back as UTC.</summary>
    internal static string MySqlConnectionString(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            UseAffectedRows = true,
            DateTimeKind = MySqlDateTimeKind.Utc,
        };
        if (!SetsKey(connectionString, "maximumpoolsize", "maxpoolsize", "maxpool"))
        {
            builder.MaximumPoolSize = DefaultMySqlMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    /// <summary>Orleans's own connections get no PRAGMA busy_timeout, but Microsoft.Data.Sqlite retries a busy database
    /// for up to the command timeout: make that the configured busy timeout unless the string sets one.</summary>
    internal static string SqliteConnectionString(string connectionString, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!SetsKey(connectionString, "defaulttimeout", "commandtimeout"))
        {
            builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));
        }

        return builder.ConnectionString;
    }

    private static bool SetsKey(string connectionString, params string[] normalizedKeys)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in parsed.Keys)
        {
            var normalized = key.Replace(" ", string.Empty, StringComparison.Ordinal).ToLower(CultureInfo.InvariantCulture);
            if (Array.IndexOf(normalizedKeys, normalized) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs the migrations at <see cref="ServiceLifecycleStage.RuntimeInitialize"/>: before the reminder table
    /// starts (RuntimeGrainServices) and the grain storage loads its queries (ApplicationServices), so both find the
    /// Orleans tables and OrleansQuery rows. Several silos starting at once are safe (the runner locks).</summary>
    private sealed class StorageMigrationParticipant(IStorageInitializer initializer) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(StorageMigrationParticipant), ServiceLifecycleStage.RuntimeInitialize, initializer.InitializeAsync);
    }
}
