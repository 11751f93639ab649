using ECommerce.Grains;
using ECommerce.Silo.Hosting;
using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ECommerce.Silo.Tests.Orleans;

/// <summary>Grain-state reads and writes on PostgreSQL sent together (<see cref="BatchedPostgresGrainStorage"/>): the
/// same rows and ETags as Orleans's provider, one outcome per grain, fewer round trips than statements.</summary>
[RequiresPostgres]
public sealed class StateWriteBatchTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private const string StateName = "test-counter";

    [StorageFact]
    public async Task WritesOfManyGrainsAtOnceGoOutInFewBatchesAndEachIsReadBackByTheProvider()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var (batched, provider) = Storages(cluster);
        var before = batched.Batcher.Flushes;

        var states = Enumerable.Range(0, 300).Select(i => new GrainState<CounterState>(new CounterState { Value = i })).ToArray();
        await Task.WhenAll(states.Select((state, i) => batched.WriteStateAsync(StateName, GrainId.Create("counter", $"many-{i}"), state)));

        var flushes = batched.Batcher.Flushes - before;
        Assert.InRange(flushes, 1, 30);
        for (var i = 0; i < states.Length; i++)
        {
            Assert.Equal("1", states[i].ETag);
            var read = new GrainState<CounterState>(new CounterState());
            await provider.ReadStateAsync(StateName, GrainId.Create("counter", $"many-{i}"), read);
            Assert.Equal((i, "1", true), (read.State!.Value, read.ETag, read.RecordExists));
        }
    }

    [StorageFact]
    public async Task ReadsOfManyGrainsAtOnceShareBatchesAndSeeWhatTheProviderStoredClearedOrNeverWrote()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var (batched, provider) = Storages(cluster);
        var keys = Enumerable.Range(0, 120).Select(i => GrainId.Create("counter", $"read-{i}")).ToArray();
        // 0..99 written (twice for the even ones), 100..109 written then cleared, 110..119 never written.
        for (var i = 0; i < 110; i++)
        {
            var state = new GrainState<CounterState>(new CounterState { Value = i });
            await provider.WriteStateAsync(StateName, keys[i], state);
            if (i % 2 == 0 || i >= 100)
            {
                await (i >= 100 ? provider.ClearStateAsync(StateName, keys[i], state) : provider.WriteStateAsync(StateName, keys[i], state));
            }
        }

        var before = batched.Batcher.Flushes;
        var reads = keys.Select(_ => new GrainState<CounterState>(new CounterState { Value = -1 })).ToArray();
        await Task.WhenAll(keys.Select((key, i) => batched.ReadStateAsync(StateName, key, reads[i])));

        Assert.InRange(batched.Batcher.Flushes - before, 1, 24);
        for (var i = 0; i < keys.Length; i++)
        {
            var expected = new GrainState<CounterState>(new CounterState { Value = -1 });
            await provider.ReadStateAsync(StateName, keys[i], expected);
            Assert.Equal((expected.State!.Value, expected.ETag, expected.RecordExists), (reads[i].State!.Value, reads[i].ETag, reads[i].RecordExists));
        }

        Assert.Equal((98, "2", true), (reads[98].State!.Value, reads[98].ETag, reads[98].RecordExists));
        Assert.Equal((0, "2", false), (reads[100].State!.Value, reads[100].ETag, reads[100].RecordExists));
        Assert.Equal((0, null, false), (reads[119].State!.Value, reads[119].ETag, reads[119].RecordExists));

        // What a batched read answers is what the next write needs: the cleared row's version and the new row's none.
        await batched.WriteStateAsync(StateName, keys[100], reads[100]);
        await batched.WriteStateAsync(StateName, keys[119], reads[119]);
        Assert.Equal(("3", "1"), (reads[100].ETag, reads[119].ETag));
    }

    [StorageFact]
    public async Task AStaleWriteAmongOthersIsRefusedAloneAndTheOthersCommit()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var (batched, provider) = Storages(cluster);
        var contested = GrainId.Create("counter", "contested");
        var current = new GrainState<CounterState>(new CounterState { Value = 1 });
        await batched.WriteStateAsync(StateName, contested, current);
        await batched.WriteStateAsync(StateName, contested, current);
        Assert.Equal("2", current.ETag);

        var others = Enumerable.Range(0, 100).Select(i => new GrainState<CounterState>(new CounterState { Value = 1000 + i })).ToArray();
        var stale = new GrainState<CounterState>(new CounterState { Value = -1 }) { ETag = "1" };
        var blind = new GrainState<CounterState>(new CounterState { Value = -2 });
        var othersWritten = others.Select((state, i) => batched.WriteStateAsync(StateName, GrainId.Create("counter", $"other-{i}"), state)).ToList();
        var staleWrite = batched.WriteStateAsync(StateName, contested, stale);
        var blindWrite = batched.WriteStateAsync(StateName, contested, blind);

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Assert.ThrowsAsync<InconsistentStateException>(() => blindWrite);
        await Task.WhenAll(othersWritten);
        Assert.All(others, state => Assert.Equal("1", state.ETag));
        Assert.Equal(("1", null), (stale.ETag, blind.ETag));

        var read = new GrainState<CounterState>(new CounterState());
        await provider.ReadStateAsync(StateName, contested, read);
        Assert.Equal((1, "2"), (read.State!.Value, read.ETag));
    }

    /// <summary>Every key shape Orleans's provider stores: a batched write finds the row the provider wrote (it succeeds
    /// only with the provider's ETag on the provider's row) and the provider reads the batched write back.</summary>
    [StorageFact]
    public async Task EveryKeyShapeLandsOnTheRowTheProviderKeepsForIt()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var (batched, provider) = Storages(cluster);
        var type = GrainType.Create("counter");
        var guid = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        GrainId[] keys =
        [
            GrainId.Create("counter", "plain-string"),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(-42)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42, "ext")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, "ext")),
        ];

        foreach (var key in keys)
        {
            var state = new GrainState<CounterState>(new CounterState { Value = 1 });
            await provider.WriteStateAsync(StateName, key, state);
            state.State!.Value = 2;
            await batched.WriteStateAsync(StateName, key, state);
            Assert.Equal("2", state.ETag);

            var read = new GrainState<CounterState>(new CounterState());
            await provider.ReadStateAsync(StateName, key, read);
            Assert.Equal((2, "2"), (read.State!.Value, read.ETag));
            var readBatched = new GrainState<CounterState>(new CounterState());
            await batched.ReadStateAsync(StateName, key, readBatched);
            Assert.Equal((2, "2", true), (readBatched.State!.Value, readBatched.ETag, readBatched.RecordExists));
        }

        // Five shapes, five rows: none of the writes above landed on another shape's row.
        var distinct = new GrainState<CounterState>(new CounterState());
        await provider.ReadStateAsync(StateName, GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42)), distinct);
        Assert.False(distinct.RecordExists);
    }

    [StorageFact]
    public async Task RemindersWrittenAtOnceShareBatchesAndKeepTheirETags()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var services = CommerceTestCluster.SiloServices(cluster);
        var reminders = Assert.IsType<BatchedPostgresReminderTable>(services.GetRequiredService<IReminderTable>());
        var (batched, _) = Storages(cluster);
        var startAt = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("order", $"batched-{i}")).ToArray();
        var before = batched.Batcher.Flushes;

        var etags = await Task.WhenAll(grains.Select(grain => reminders.UpsertRow(new ReminderEntry
        {
            GrainId = grain, ReminderName = "expiry", StartAt = startAt, Period = TimeSpan.FromMinutes(1),
        })));

        Assert.InRange(batched.Batcher.Flushes - before, 1, 20);
        Assert.All(etags, etag => Assert.Equal("1", etag));
        var again = await reminders.UpsertRow(new ReminderEntry
        {
            GrainId = grains[0], ReminderName = "expiry", StartAt = startAt.AddMinutes(5), Period = TimeSpan.FromMinutes(2),
        });
        Assert.Equal("2", again);

        // Read back by the provider's own queries: the schedule the upsert wrote, by grain and by the whole ring.
        var row = await reminders.ReadRow(grains[0], "expiry");
        Assert.Equal((startAt.AddMinutes(5), TimeSpan.FromMinutes(2), "2"), (row!.StartAt.ToUniversalTime(), row.Period, row.ETag));
        Assert.Equal(200, (await reminders.ReadRows(0, 0)).Reminders.Count);

        Assert.False(await reminders.RemoveRow(grains[0], "expiry", "1"));
        var removed = await Task.WhenAll(grains.Select(grain => reminders.RemoveRow(grain, "expiry", grain == grains[0] ? "2" : "1")));
        Assert.All(removed, Assert.True);
        Assert.Empty((await reminders.ReadRows(0, 0)).Reminders);
    }

    [StorageFact]
    public async Task DisabledBatchingSendsEachWriteOnItsOwn()
    {
        var database = new ConfigurationBuilder()
            .AddConfiguration(await fixture.CreateDatabaseAsync())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:StateWriteBatch:Disabled"] = "true" })
            .Build();
        await using var cluster = await CommerceTestCluster.StartAsync(database, CommerceTestCluster.NewServiceId());
        var (batched, _) = Storages(cluster);
        var before = batched.Batcher.Flushes;

        var states = Enumerable.Range(0, 40).Select(i => new GrainState<CounterState>(new CounterState { Value = i })).ToArray();
        await Task.WhenAll(states.Select((state, i) => batched.WriteStateAsync(StateName, GrainId.Create("counter", $"alone-{i}"), state)));

        Assert.Equal(40, batched.Batcher.Flushes - before);
        Assert.All(states, state => Assert.Equal("1", state.ETag));
    }

    /// <summary>A batcher whose first batch could not read Orleans's statements (here: before the migrations made
    /// them) reads them again for the next batch, rather than failing every write for the rest of its life.</summary>
    [StorageFact]
    public async Task ABatcherThatCouldNotReadTheStatementsOnceReadsThemAgainForTheNextBatch()
    {
        var database = await fixture.CreateDatabaseAsync();
        await using var batcher = new PostgresStatementBatcher(database.GetConnectionString("Postgres")!, new StateWriteBatchOptions());

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => RemoveReminderAsync(batcher));

        await using var cluster = await CommerceTestCluster.StartAsync(database, CommerceTestCluster.NewServiceId());
        Assert.Equal(false, await RemoveReminderAsync(batcher));
    }

    private static Task<object?> RemoveReminderAsync(PostgresStatementBatcher batcher) =>
        batcher.RunAsync("DeleteReminderRowKey", "reminder|none|expiry",
            new Npgsql.NpgsqlParameter("ServiceId", "no-service"),
            new Npgsql.NpgsqlParameter("GrainId", "order/none"),
            new Npgsql.NpgsqlParameter("ReminderName", "expiry"),
            new Npgsql.NpgsqlParameter("Version", 1));

    private static (BatchedPostgresGrainStorage Batched, IGrainStorage Provider) Storages(TestCluster cluster)
    {
        var services = CommerceTestCluster.SiloServices(cluster);
        return (Assert.IsType<BatchedPostgresGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name)),
            services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name + ":postgres"));
    }
}
