using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

public sealed class SqliteGrainStorageTests(SqliteStorageFixture fixture)
    : GrainStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresGrainStorageTests(PostgresStorageFixture fixture)
    : GrainStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

public abstract class GrainStorageTests(StorageFixture fixture)
{
    private const string StateName = "state";
    private static readonly CancellationToken None = CancellationToken.None;

    private IGrainStorage Storage => fixture.Services.GetRequiredService<IGrainStorage>();

    private static GrainId NewGrain(string type = "test-cart") => new(type, Guid.NewGuid().ToString("N"));

    [StorageFact]
    public async Task ReadingStateThatWasNeverWrittenReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync<CartState>(NewGrain(), StateName, None));
    }

    [StorageFact]
    public async Task AWrittenJsonStateReadsBackEqualAtVersionOne()
    {
        var grain = NewGrain();
        var checkedOutAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        var state = new CartState("alice", [new CartLine(7, 2, 19.99m), new CartLine(9, 1, 0.01m)], checkedOutAt);

        var version = await Storage.WriteAsync(grain, StateName, state, 0, [], None);
        var stored = await Storage.ReadAsync<CartState>(grain, StateName, None);

        Assert.Equal(1, version);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.Equal("alice", stored.State.Owner);
        Assert.Equal(state.Lines, stored.State.Lines);
        Assert.Equal(checkedOutAt, stored.State.CheckedOutAt);
    }

    [StorageFact]
    public async Task StatesWithDifferentNamesOnOneGrainAreStoredSeparately()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, "a", new CounterState(1), 0, [], None);
        await Storage.WriteAsync(grain, "b", new CounterState(2), 0, [], None);

        Assert.Equal(1, (await Storage.ReadAsync<CounterState>(grain, "a", None))!.State.Value);
        Assert.Equal(2, (await Storage.ReadAsync<CounterState>(grain, "b", None))!.State.Value);
    }

    [StorageFact]
    public async Task EachWriteAddsOneToTheVersion()
    {
        var grain = NewGrain();
        var version = 0L;
        for (var value = 1; value <= 3; value++)
        {
            var written = await Storage.WriteAsync(grain, StateName, new CounterState(value), version, [], None);
            Assert.Equal(version + 1, written);
            version = written;
        }

        var stored = await Storage.ReadAsync<CounterState>(grain, StateName, None);
        Assert.Equal(new StoredState<CounterState>(new CounterState(3), 3), stored);
    }

    [StorageFact]
    public async Task AWriteFromAStaleVersionThrowsAndLeavesTheRowUntouched()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [], None);
        await Storage.WriteAsync(grain, StateName, new CounterState(2), 1, [], None);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, new CounterState(99), 1, [new NoteRecord("stale")], None));

        Assert.Equal(new StoredState<CounterState>(new CounterState(2), 2),
            await Storage.ReadAsync<CounterState>(grain, StateName, None));
        Assert.Empty(await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task AWriteAheadOfTheStoredVersionThrows()
    {
        var grain = NewGrain();

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, new CounterState(1), 5, [], None));

        Assert.Null(await Storage.ReadAsync<CounterState>(grain, StateName, None));
    }

    [StorageFact]
    public async Task InsertingAtVersionZeroConflictsWhenARowAlreadyExists()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [], None);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, new CounterState(2), 0, [], None));

        Assert.Equal(new StoredState<CounterState>(new CounterState(1), 1),
            await Storage.ReadAsync<CounterState>(grain, StateName, None));
    }

    [StorageFact]
    public async Task StagedRecordsAreCommittedWithTheStateWrite()
    {
        var grain = NewGrain();

        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [new NoteRecord("first"), new NoteRecord("second")], None);

        Assert.Equal(["first", "second"], await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task AFailingRecordWriterRollsBackTheStateWriteAndTheRecordsBeforeIt()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [], None);

        await Assert.ThrowsAsync<PoisonRecordException>(() => Storage.WriteAsync(grain, StateName, new CounterState(2), 1,
            [new NoteRecord("before"), new PoisonRecord("poison")], None));

        Assert.Equal(new StoredState<CounterState>(new CounterState(1), 1),
            await Storage.ReadAsync<CounterState>(grain, StateName, None));
        Assert.Empty(await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task AnUnregisteredRecordTypeThrowsBeforeAnythingIsWritten()
    {
        var grain = NewGrain();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Storage.WriteAsync(grain, StateName,
            new CounterState(1), 0, [new NoteRecord("note"), new UnregisteredRecord("x")], None));

        Assert.Contains(nameof(UnregisteredRecord), error.Message, StringComparison.Ordinal);
        Assert.Null(await Storage.ReadAsync<CounterState>(grain, StateName, None));
        Assert.Empty(await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task ClearingRemovesTheStateSoTheNextWriteStartsFromVersionZero()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [], None);
        await Storage.WriteAsync(grain, StateName, new CounterState(2), 1, [], None);

        await Storage.ClearAsync<CounterState>(grain, StateName, 2, None);

        Assert.Null(await Storage.ReadAsync<CounterState>(grain, StateName, None));
        Assert.Equal(1, await Storage.WriteAsync(grain, StateName, new CounterState(3), 0, [], None));
    }

    [StorageFact]
    public async Task ClearingFromAStaleVersionThrowsAndKeepsTheState()
    {
        var grain = NewGrain();
        await Storage.WriteAsync(grain, StateName, new CounterState(1), 0, [], None);
        await Storage.WriteAsync(grain, StateName, new CounterState(2), 1, [], None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync<CounterState>(grain, StateName, 1, None));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync<CounterState>(grain, StateName, 0, None));

        Assert.Equal(2, (await Storage.ReadAsync<CounterState>(grain, StateName, None))!.Version);
    }

    [StorageFact]
    public async Task AStateTypeWithARegisteredStateTableIsStoredInThatTableNotAsJson()
    {
        var grain = NewGrain("test-counter");

        await Storage.WriteAsync(grain, StateName, new TableCounter(5), 0, [], None);
        await Storage.WriteAsync(grain, StateName, new TableCounter(6), 1, [new NoteRecord("mapped")], None);

        Assert.Equal(new StoredState<TableCounter>(new TableCounter(6), 2),
            await Storage.ReadAsync<TableCounter>(grain, StateName, None));
        Assert.Equal(6, await TestTables.ScalarAsync(fixture.Services,
            $"SELECT value FROM test_counters WHERE id = '{grain.Key}'"));
        Assert.Equal(0, await TestTables.ScalarAsync(fixture.Services,
            $"SELECT COUNT(*) FROM grain_state WHERE grain_key = '{grain.Key}'"));
        Assert.Equal(["mapped"], await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task AStateTableInsertThatHitsAnExistingRowIsAVersionConflict()
    {
        var grain = NewGrain("test-counter");
        await Storage.WriteAsync(grain, StateName, new TableCounter(5), 0, [], None);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, new TableCounter(7), 0, [new NoteRecord("lost")], None));

        Assert.Equal(new StoredState<TableCounter>(new TableCounter(5), 1),
            await Storage.ReadAsync<TableCounter>(grain, StateName, None));
        Assert.Empty(await TestTables.ReadNotesAsync(fixture.Services, grain));
    }

    [StorageFact]
    public async Task TwoStorageInstancesIncrementingOneStateConcurrentlyEndAtExactlyTheNumberOfIncrements()
    {
        const int WorkersPerInstance = 4;
        const int IncrementsPerWorker = 25;
        var grain = NewGrain("test-counter-race");
        IGrainStorage[] instances =
        [
            fixture.CreateServices().GetRequiredService<IGrainStorage>(),
            fixture.CreateServices().GetRequiredService<IGrainStorage>(),
        ];

        async Task IncrementAsync(IGrainStorage storage)
        {
            for (var done = 0; done < IncrementsPerWorker;)
            {
                var stored = await storage.ReadAsync<CounterState>(grain, StateName, None);
                var value = stored?.State.Value ?? 0;
                try
                {
                    await storage.WriteAsync(grain, StateName, new CounterState(value + 1), stored?.Version ?? 0, [], None);
                    done++;
                }
                catch (InconsistentStateException)
                {
                    // Another writer got there first: read again and retry.
                }
            }
        }

        await Task.WhenAll(instances.SelectMany(storage =>
            Enumerable.Range(0, WorkersPerInstance).Select(_ => Task.Run(() => IncrementAsync(storage)))));

        const int Expected = 2 * WorkersPerInstance * IncrementsPerWorker;
        Assert.Equal(new StoredState<CounterState>(new CounterState(Expected), Expected),
            await Storage.ReadAsync<CounterState>(grain, StateName, None));
    }
}
