using ECommerce.Grains;
using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ECommerce.Silo.Tests.Orleans;

public sealed class SqliteOrleansStorageTests(SqliteStorageFixture fixture)
    : OrleansStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresOrleansStorageTests(PostgresStorageFixture fixture)
    : OrleansStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

[RequiresMySql]
public sealed class MySqlOrleansStorageTests(MySqlStorageFixture fixture)
    : OrleansStorageTests(fixture), IClassFixture<MySqlStorageFixture>;

/// <summary>Orleans's ADO.NET grain storage and reminders on the project's own schema and queries, through real
/// test clusters. Every test gets a fresh, unmigrated database: the silo's start-up migrates it.</summary>
public abstract class OrleansStorageTests(StorageFixture fixture)
{
    private const string StorageGrainType = "test-counter";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [StorageFact]
    public async Task StateWrittenBeforeAClusterRestartIsReadByTheNextCluster()
    {
        var database = await fixture.CreateDatabaseAsync();
        var serviceId = CommerceTestCluster.NewServiceId();

        var first = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var counter = first.GrainFactory.GetGrain<ICounterGrain>("restart");
            Assert.Equal(5, await counter.AddAsync(5));
            Assert.Equal(7, await counter.AddAsync(2));
        }
        finally
        {
            await CommerceTestCluster.StopAsync(first);
        }

        var second = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var state = await second.GrainFactory.GetGrain<ICounterGrain>("restart").GetAsync();
            Assert.Equal((7, "written"), (state.Value, state.Note));
            Assert.Equal(0, (await second.GrainFactory.GetGrain<ICounterGrain>("never-written").GetAsync()).Value);
        }
        finally
        {
            await CommerceTestCluster.StopAsync(second);
        }
    }

    [StorageFact]
    public async Task AWriteWithAStaleOrMissingETagIsRefused()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var storage = Storage(cluster);
        var grainId = GrainId.Create("counter", "stale");

        var writer = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync(StorageGrainType, grainId, writer);
        Assert.Equal("1", writer.ETag);

        var stale = new GrainState<CounterState>(new CounterState { Value = 100 }) { ETag = writer.ETag };
        writer.State!.Value = 2;
        await storage.WriteStateAsync(StorageGrainType, grainId, writer);
        Assert.Equal("2", writer.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StorageGrainType, grainId, stale));
        // No ETag means "first write": refused too, the row exists.
        var blind = new GrainState<CounterState>(new CounterState { Value = 200 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StorageGrainType, grainId, blind));
        // An ETag from nowhere is not a first write either.
        var invented = new GrainState<CounterState>(new CounterState { Value = 300 }) { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(StorageGrainType, GrainId.Create("counter", "never-written"), invented));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageGrainType, grainId, read);
        Assert.Equal((2, "2", true), (read.State!.Value, read.ETag, read.RecordExists));

        var missing = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageGrainType, GrainId.Create("counter", "never-written"), missing);
        Assert.Equal((0, null, false), (missing.State!.Value, missing.ETag, missing.RecordExists));
    }

    [StorageFact]
    public async Task KeysThatDifferOnlyInTheirExtensionOrTypeAreSeparateRows()
    {
        var database = await fixture.CreateDatabaseAsync();
        await using var cluster = await CommerceTestCluster.StartAsync(database, CommerceTestCluster.NewServiceId());
        var storage = Storage(cluster);
        var ids = new[]
        {
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(42)),
            // Integer key 0x2A with an empty extension: Orleans never makes one, but the raw key parses as one.
            GrainId.Create("counter", "2A+"),
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(42, "ext")),
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("0000002a-0000-0000-0000-000000000000"))),
            GrainId.Create("counter", "forty-two"),
        };
        for (var i = 0; i < ids.Length; i++)
        {
            var state = new GrainState<CounterState>(new CounterState { Value = i + 10 });
            await storage.WriteStateAsync(StorageGrainType, ids[i], state);
            Assert.Equal("1", state.ETag);
        }

        await storage.WriteStateAsync("other-type", ids[0], new GrainState<CounterState>(new CounterState { Value = 99 }));

        for (var i = 0; i < ids.Length; i++)
        {
            var read = new GrainState<CounterState>();
            await storage.ReadStateAsync(StorageGrainType, ids[i], read);
            Assert.Equal((i + 10, "1"), (read.State!.Value, read.ETag));
        }

        var sql = fixture.CreateServices(database);
        Assert.Equal(ids.Length + 1, await TestTables.ScalarAsync(sql, "SELECT COUNT(*) FROM orleans_grain_state"));
        Assert.Equal(1, await TestTables.ScalarAsync(sql, "SELECT COUNT(*) FROM orleans_grain_state WHERE grain_id_extension = '+'"));
        Assert.Equal(1, await TestTables.ScalarAsync(sql, "SELECT COUNT(*) FROM orleans_grain_state WHERE grain_id_extension = '+ext'"));
    }

    [StorageFact]
    public async Task ClearingStateKeepsTheVersionAndReadsBackAFreshState()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());

        // Through a grain: clear, then the state is the fresh one, and writing goes on from the cleared version.
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("clear");
        Assert.Equal(3, await counter.AddAsync(3));
        await counter.ClearAsync();
        var cleared = await counter.GetAsync();
        Assert.Equal((0, "fresh"), (cleared.Value, cleared.Note));
        Assert.Equal(1, await counter.AddAsync(1));

        // Directly: ClearStorageKey nulls the payload and bumps the version, which is the new ETag.
        var storage = Storage(cluster);
        var grainId = GrainId.Create("counter", "clear-direct");
        var state = new GrainState<CounterState>(new CounterState { Value = 8, Note = "written" });
        await storage.WriteStateAsync(StorageGrainType, grainId, state);
        var stale = new GrainState<CounterState>(new CounterState()) { ETag = state.ETag, RecordExists = true };
        await storage.ClearStateAsync(StorageGrainType, grainId, state);
        Assert.Equal(("2", false, 0, "fresh"), (state.ETag, state.RecordExists, state.State!.Value, state.State!.Note));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageGrainType, grainId, read);
        Assert.Equal(("2", false, 0, "fresh"), (read.ETag, read.RecordExists, read.State!.Value, read.State!.Note));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StorageGrainType, grainId, stale));

        read.State!.Value = 4;
        await storage.WriteStateAsync(StorageGrainType, grainId, read);
        Assert.Equal(("3", true), (read.ETag, read.RecordExists));
    }

    [StorageFact]
    public async Task AReminderFiresAndStillFiresAfterAClusterRestart()
    {
        var database = await fixture.CreateDatabaseAsync();
        var serviceId = CommerceTestCluster.NewServiceId();

        var first = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var probe = first.GrainFactory.GetGrain<IReminderProbeGrain>("restart");
            await probe.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            await WaitUntilAsync(async () => await probe.TicksAsync("tick") >= 1, "the first tick");
        }
        finally
        {
            await CommerceTestCluster.StopAsync(first);
        }

        var second = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var probe = second.GrainFactory.GetGrain<IReminderProbeGrain>("restart");
            Assert.True(await probe.IsRegisteredAsync("tick"));
            await WaitUntilAsync(async () => await probe.TicksAsync("tick") >= 1, "a tick after the restart");

            var rows = await Reminders(second).ReadRows(GrainId.Create("reminderprobe", "restart"));
            var row = Assert.Single(rows.Reminders);
            Assert.Equal(("tick", TimeSpan.FromSeconds(1), "1"), (row.ReminderName, row.Period, row.ETag));
        }
        finally
        {
            await CommerceTestCluster.StopAsync(second);
        }
    }

    [StorageFact]
    public async Task UnregisteringAReminderRemovesItsRow()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var probe = cluster.GrainFactory.GetGrain<IReminderProbeGrain>("unregister");
        var grainId = GrainId.Create("reminderprobe", "unregister");
        var table = Reminders(cluster);

        await probe.RegisterAsync("once", TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.True(await probe.IsRegisteredAsync("once"));
        Assert.Single((await table.ReadRows(grainId)).Reminders);

        await probe.UnregisterAsync("once");
        Assert.False(await probe.IsRegisteredAsync("once"));
        Assert.Empty((await table.ReadRows(grainId)).Reminders);
        Assert.Null(await table.ReadRow(grainId, "once"));
    }

    [StorageFact]
    public async Task TheReminderTableUpsertsReadsAndDeletesByETag()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var table = Reminders(cluster);
        var grainId = GrainId.Create("nograin", "etag");
        var startAt = new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

        var first = await table.UpsertRow(Entry(grainId, "r", startAt, TimeSpan.FromDays(1)));
        var second = await table.UpsertRow(Entry(grainId, "r", startAt.AddDays(1), TimeSpan.FromDays(2)));
        await table.UpsertRow(Entry(grainId, "other", startAt, TimeSpan.FromDays(3)));
        Assert.Equal(("1", "2"), (first, second));

        var row = await table.ReadRow(grainId, "r");
        Assert.NotNull(row);
        Assert.Equal((grainId, "r", startAt.AddDays(1), DateTimeKind.Utc, TimeSpan.FromDays(2), "2"),
            (row.GrainId, row.ReminderName, row.StartAt, row.StartAt.Kind, row.Period, row.ETag));
        Assert.Equal(["other", "r"], (await table.ReadRows(grainId)).Reminders.Select(r => r.ReminderName).Order());

        Assert.False(await table.RemoveRow(grainId, "r", "1"));
        Assert.True(await table.RemoveRow(grainId, "r", "2"));
        Assert.False(await table.RemoveRow(grainId, "r", "2"));
        Assert.Equal(["other"], (await table.ReadRows(grainId)).Reminders.Select(r => r.ReminderName));

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(grainId)).Reminders);
    }

    [StorageFact]
    public async Task RangeReadsFollowTheHashRingAcrossBothWrapArounds()
    {
        await using var cluster = await CommerceTestCluster.StartAsync(await fixture.CreateDatabaseAsync(), CommerceTestCluster.NewServiceId());
        var table = Reminders(cluster);

        // Grains whose uniform hashes spread over the whole unsigned ring, so some are negative as signed ints.
        var hashes = new Dictionary<GrainId, uint>();
        for (var i = 0; hashes.Count < 48; i++)
        {
            var grainId = GrainId.Create("nograin", "range-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            hashes[grainId] = grainId.GetUniformHashCode();
        }

        Assert.Contains(hashes.Values, h => h > int.MaxValue);
        Assert.Contains(hashes.Values, h => h <= int.MaxValue);
        foreach (var grainId in hashes.Keys)
        {
            // Far in the future: the silo's reminder service has nothing to deliver.
            await table.UpsertRow(Entry(grainId, "r", DateTime.UtcNow.AddDays(1), TimeSpan.FromDays(1)));
        }

        var ordered = hashes.Values.Order().ToArray();
        var ranges = new (uint Begin, uint End)[]
        {
            (0x1000_0000, 0x6000_0000),     // positive, no wrap
            (0x9000_0000, 0xE000_0000),     // negative as signed, no wrap
            (0x7000_0000, 0x9000_0000),     // crosses int.MaxValue: wraps as signed only (ReadRangeRows2Key)
            (0xF000_0000, 0x1000_0000),     // crosses zero: wraps as unsigned only (ReadRangeRows1Key)
            (0xC000_0000, 0x4000_0000),     // wraps as unsigned, signed begin < end
            (0x4000_0000, 0x3000_0000),     // almost the whole ring
            (ordered[3], ordered[3]),       // begin = end: the whole ring
            (ordered[5], ordered[9]),       // exact bounds: begin excluded, end included
            (ordered[^2], ordered[1]),      // exact bounds, wrapping
        };
        foreach (var (begin, end) in ranges)
        {
            var expected = hashes.Where(pair => InRange(pair.Value, begin, end)).Select(pair => pair.Key.ToString()).Order().ToArray();
            var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order().ToArray();
            Assert.True(expected.SequenceEqual(actual),
                $"Range ({begin:X8}, {end:X8}]: expected {expected.Length} [{string.Join(", ", expected)}], got {actual.Length} [{string.Join(", ", actual)}]");
        }

        Assert.Equal(hashes.Count, (await table.ReadRows(0u, 0u)).Reminders.Count);
        Assert.Equal(4, (await table.ReadRows(ordered[5], ordered[9])).Reminders.Count);
        Assert.Equal(3, (await table.ReadRows(ordered[^2], ordered[1])).Reminders.Count);
    }

    // Orleans's ring range (begin, end] over unsigned hashes; begin >= end wraps past zero.
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Entry(GrainId grainId, string name, DateTime startAt, TimeSpan period) =>
        new() { GrainId = grainId, ReminderName = name, StartAt = startAt, Period = period };

    private static IGrainStorage Storage(TestCluster cluster) =>
        CommerceTestCluster.SiloServices(cluster).GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

    private static IReminderTable Reminders(TestCluster cluster) =>
        CommerceTestCluster.SiloServices(cluster).GetRequiredService<IReminderTable>();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {WaitLimit.TotalSeconds:0}s for {what}.");
            }

            await Task.Delay(200);
        }
    }
}
