using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Tests.Storage;

public sealed class SqliteMigrationTests(SqliteStorageFixture fixture)
    : MigrationTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresMigrationTests(PostgresStorageFixture fixture)
    : MigrationTests(fixture), IClassFixture<PostgresStorageFixture>
{
    [StorageFact]
    public async Task GrainStatePagesKeepHalfFreeForHeapOnlyUpdatesAndPayloadsAreStoredUncompressed()
    {
        var services = fixture.CreateServices(await fixture.CreateDatabaseAsync());
        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(CancellationToken.None);

        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT array_to_string(c.reloptions, ','), a.attstorage::text
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.oid = 'orleans_grain_state'::regclass AND a.attname = 'payload'
            """;
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        Assert.True(await reader.ReadAsync(CancellationToken.None));
        Assert.Equal(("fillfactor=50", "e"), (reader.GetString(0), reader.GetString(1)));
    }
}

[RequiresMySql]
public sealed class MySqlMigrationTests(MySqlStorageFixture fixture)
    : MigrationTests(fixture), IClassFixture<MySqlStorageFixture>;

public abstract class MigrationTests(StorageFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [StorageFact]
    public void SqliteAndPostgresHaveTheRuntimeScriptAsVersionOne()
    {
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.Postgres })
        {
            var first = MigrationRunner.LoadScripts(provider)[0];
            Assert.Equal((1L, "runtime"), (first.Version, first.Name));
        }
    }

    /// <summary>MySQL started from the current schema under PostgreSQL's numbers and names; a fix only MySQL needs
    /// takes a number PostgreSQL leaves unused, so a number always means one change on both.</summary>
    [StorageFact]
    public void AMySqlScriptHasThePostgresNameOfItsNumberOrANumberPostgresDoesNotUse()
    {
        var postgres = MigrationRunner.LoadScripts(StorageProvider.Postgres).ToDictionary(s => s.Version, s => s.Name);
        var mySqlOnly = new List<string>();
        foreach (var script in MigrationRunner.LoadScripts(StorageProvider.MySql))
        {
            if (postgres.TryGetValue(script.Version, out var name))
            {
                Assert.Equal(name, script.Name);
            }
            else
            {
                mySqlOnly.Add(script.Name);
            }
        }

        Assert.Equal(["membership_changes_in_one_transaction", "stream_changes_roll_back_on_error"], mySqlOnly);
    }

    [StorageFact]
    public void AMySqlScriptIsSplitAtSemicolonsOutsideQuotesAndComments()
    {
        var statements = MigrationRunner.SplitStatements("""
            -- a comment; with a semicolon and a quote's apostrophe
            CREATE TABLE t (a int); -- trailing; comment
            INSERT INTO q VALUES ('k', 'one; two ''quoted; still'' three');
            INSERT INTO `odd;name` VALUES ("x;y")
            """);

        Assert.Equal(
        [
            "CREATE TABLE t (a int)",
            "INSERT INTO q VALUES ('k', 'one; two ''quoted; still'' three')",
            "INSERT INTO `odd;name` VALUES (\"x;y\")",
        ], statements);
    }

    [StorageFact]
    public void AStoredRoutineIsOneStatementWithItsControlStatementsInside()
    {
        var statements = MigrationRunner.SplitStatements("""
            DROP PROCEDURE IF EXISTS p;
            CREATE PROCEDURE p(IN n INT)
            BEGIN
                DECLARE v INT DEFAULT 0;
                WHILE v < n DO
                    SET v = v + 1;
                END WHILE;
                IF v > 0 THEN
                    BEGIN
                        SELECT v;
                    END;
                END IF;
            END;
            SELECT 'begin; end' AS legend_of_begin_ending;
            """);

        Assert.Equal(3, statements.Count);
        Assert.Equal("DROP PROCEDURE IF EXISTS p", statements[0]);
        Assert.StartsWith("CREATE PROCEDURE p(IN n INT)", statements[1], StringComparison.Ordinal);
        Assert.EndsWith("END IF;\nEND", statements[1].ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("SELECT 'begin; end' AS legend_of_begin_ending", statements[2]);
    }

    [StorageFact]
    public void NoMySqlScriptNeedsADelimiter()
    {
        foreach (var script in MigrationRunner.LoadScripts(StorageProvider.MySql))
        {
            var statements = MigrationRunner.SplitStatements(script.Sql);
            Assert.NotEmpty(statements);
            Assert.All(statements, statement => Assert.DoesNotContain("DELIMITER", statement, StringComparison.OrdinalIgnoreCase));
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
        // Membership (Cluster:Provider=AdoNet) is for the databases a cluster can share, not SQLite.
        string[] membership =
        [
            "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey",
            "UpdateMembershipKey",
        ];
        var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        var expected = provider == StorageProvider.Sqlite ? storageAndReminders : [.. storageAndReminders, .. membership, .. streams];
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
