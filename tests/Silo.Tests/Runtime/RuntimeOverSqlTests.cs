using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;

namespace ECommerce.Silo.Tests.Runtime;

public sealed class SqliteRuntimeTests(SqliteStorageFixture fixture) : RuntimeOverSqlTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresRuntimeTests(PostgresStorageFixture fixture) : RuntimeOverSqlTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The runtime's storage promises, over each SQL provider: every test gets its own database.</summary>
public abstract class RuntimeOverSqlTests(StorageFixture fixture)
{
    private async Task<IReadOnlyDictionary<string, string?>> NewDatabaseAsync()
    {
        var configuration = await fixture.CreateDatabaseAsync();
        return configuration.AsEnumerable().Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value);
    }

    [StorageFact]
    public async Task StateWrittenByOneActivationIsReadByTheNextAfterARestart()
    {
        var database = await NewDatabaseAsync();
        await using (var before = await TestSilo.StartAsync(settings: database))
        {
            var grain = before.Grains.GetGrain<ICounterGrain>(1);
            await grain.IncrementAsync();
            await grain.IncrementAsync();
        }

        await using var after = await TestSilo.StartAsync(settings: database);

        Assert.Equal((2, 2), (await after.Grains.GetGrain<ICounterGrain>(1).GetAsync(), await after.Grains.GetGrain<ICounterGrain>(1).GetStoredVersionAsync()));
    }

    [StorageFact]
    public async Task AThousandConcurrentIncrementsOnOneGrainAreAllStored()
    {
        var database = await NewDatabaseAsync();
        await using (var silo = await TestSilo.StartAsync(settings: database))
        {
            var grain = silo.Grains.GetGrain<ICounterGrain>(2);
            await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(grain.IncrementAsync)));
            Assert.Equal(0, silo.Probe.Overlaps);
        }

        await using var restarted = await TestSilo.StartAsync(settings: database);
        Assert.Equal(1_000, await restarted.Grains.GetGrain<ICounterGrain>(2).GetAsync());
    }

    [StorageFact]
    public async Task TwoRuntimesOverOneDatabaseStoreExactlyTheIncrementsTheyAcknowledged()
    {
        var database = await NewDatabaseAsync();
        await using var first = await TestSilo.StartAsync(settings: database);
        await using var second = await TestSilo.StartAsync(settings: database);

        var calls = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Grains.GetGrain<ICounterGrain>(3).IncrementAsync()))
            .ToList();
        var acknowledged = 0;
        foreach (var call in calls)
        {
            try
            {
                await call;
                acknowledged++;
            }
            catch (ECommerce.Grains.Abstractions.Runtime.InconsistentStateException)
            {
                // A second conflict in a row reaches the caller, who was not acknowledged.
            }
        }

        await using var reader = await TestSilo.StartAsync(settings: database);
        Assert.True(acknowledged >= 100, $"only {acknowledged} of 200 increments were acknowledged");
        Assert.Equal(acknowledged, await reader.Grains.GetGrain<ICounterGrain>(3).GetAsync());
    }

    [StorageFact]
    public async Task GroupCommitIncrementsAndTheirRecordsAreAllStored()
    {
        var database = await NewDatabaseAsync();
        await using (var silo = await TestSilo.StartAsync(settings: database))
        {
            var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(4);
            var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => Task.Run(grain.IncrementAsync)));
            Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), results.Order());
        }

        await using var restarted = await TestSilo.StartAsync(settings: database);
        Assert.Equal(500, await restarted.Grains.GetGrain<IBatchedCounterGrain>(4).GetAsync());
        Assert.Equal(500, await TestTables.ScalarAsync(restarted.Services, "SELECT COUNT(DISTINCT value) FROM counter_increments WHERE grain_key = '4'"));
    }

    [StorageFact]
    public async Task AReminderStoredInTheDatabaseFiresAfterARestart()
    {
        var database = await NewDatabaseAsync();
        var quiet = new Dictionary<string, string?>(database) { ["Silo:ReminderPollInterval"] = "01:00:00" };
        await using (var before = await TestSilo.StartAsync(settings: quiet))
        {
            await before.Grains.GetGrain<IAlarmGrain>(5).SetAsync(TimeSpan.FromMilliseconds(50));
        }

        await using var after = await TestSilo.StartAsync(settings: database);
        await after.Probe.WaitAsync("reminder:alarm/5:alarm");

        Assert.Equal(1, after.Probe.Count("signal:reminder:alarm/5:alarm"));
    }
}
