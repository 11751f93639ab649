using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Tests.Storage;

public sealed class SqliteMigrationTests(SqliteStorageFixture fixture)
    : MigrationTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresMigrationTests(PostgresStorageFixture fixture)
    : MigrationTests(fixture), IClassFixture<PostgresStorageFixture>;

public abstract class MigrationTests(StorageFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [StorageFact]
    public void EveryProviderHasTheRuntimeScriptAsVersionOne()
    {
        foreach (var provider in Enum.GetValues<StorageProvider>())
        {
            var first = MigrationRunner.LoadScripts(provider)[0];
            Assert.Equal((1L, "runtime"), (first.Version, first.Name));
        }
    }

    [StorageFact]
    public async Task RunningTheMigrationsTwiceAppliesEachScriptOnce()
    {
        var services = fixture.CreateServices(await fixture.CreateDatabaseAsync());
        var initializer = services.GetRequiredService<IStorageInitializer>();

        await initializer.InitializeAsync(None);
        await initializer.InitializeAsync(None);

        await AssertEachScriptAppliedOnceAsync(services);
    }

    [StorageFact]
    public async Task TwoInitializersStartingTogetherOnOneDatabaseApplyEachScriptOnce()
    {
        var configuration = await fixture.CreateDatabaseAsync();
        var first = fixture.CreateServices(configuration);
        var second = fixture.CreateServices(configuration);

        await Task.WhenAll(
            Task.Run(() => first.GetRequiredService<IStorageInitializer>().InitializeAsync(None)),
            Task.Run(() => second.GetRequiredService<IStorageInitializer>().InitializeAsync(None)));

        await AssertEachScriptAppliedOnceAsync(first);
    }

    [StorageFact]
    public async Task TheOrleansScriptsStoreEveryQueryKeyTheOrleansProvidersLoad()
    {
        var services = fixture.CreateServices(await fixture.CreateDatabaseAsync());
        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(None);

        var keys = new List<string>();
        await using (var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(None))
        await using (var command = connection.CreateCommand())
        {
            // The text both Orleans providers run at start-up.
            command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
            await using var reader = await command.ExecuteReaderAsync(None);
            while (await reader.ReadAsync(None))
            {
                Assert.False(string.IsNullOrWhiteSpace(reader.GetString(1)));
                keys.Add(reader.GetString(0));
            }
        }

        string[] storageAndReminders =
        [
            "ClearStorageKey", "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey", "ReadFromStorageKey",
            "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey",
            "WriteToStorageKey",
        ];
        // The ADO.NET stream queue runs wherever storage is not SQLite (there the paid-orders stream is memory streams).
        string[] streams =
        [
            "ConfirmStreamMessagesKey", "EvictStreamDeadLettersKey", "EvictStreamMessagesKey", "FailStreamMessageKey",
            "GetStreamMessagesKey", "QueueStreamMessageKey",
        ];
        var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        var expected = provider != StorageProvider.Sqlite ? storageAndReminders.Concat(streams) : storageAndReminders;
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    private static async Task AssertEachScriptAppliedOnceAsync(IServiceProvider services)
    {
        var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        var scripts = MigrationRunner.LoadScripts(provider);
        Assert.NotEmpty(scripts);
        Assert.Equal(scripts.Count, await TestTables.ScalarAsync(services, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(scripts.Count, await TestTables.ScalarAsync(services, "SELECT COUNT(DISTINCT version) FROM schema_migrations"));
        Assert.Equal(scripts[^1].Version, await TestTables.ScalarAsync(services, "SELECT MAX(version) FROM schema_migrations"));
    }
}
