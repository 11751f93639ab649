using ECommerce.Grains.Tests.Cluster;

namespace ECommerce.Grains.Tests.GroupCommit;

/// <summary>Group commit's three promises, on a reentrant probe grain in the cluster over a storage the test holds
/// and fails write by write. (Over the real ADO.NET storage: the coupon and stock races.)</summary>
[Collection(SqliteCluster.Name)]
public sealed class GroupCommitTests(SqliteClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task NoCallerIsAnsweredBeforeAWriteHoldingItsChangeCommitted()
    {
        var (probe, storage) = NewProbe();
        var first = probe.AddAsync(0);
        await UntilAsync(() => storage.Writes.Count == 1, "the first write to start");
        var later = Enumerable.Range(1, 10).Select(probe.AddAsync).ToList();
        await UntilInMemoryAsync(probe, 11);

        Assert.False(first.IsCompleted || later.Any(c => c.IsCompleted), "answered while its write was held");
        storage.Writes[0].Commit();
        await first;
        await UntilAsync(() => storage.Writes.Count == 2, "the second write to start");

        Assert.False(later.Any(c => c.IsCompleted), "answered while the write holding its change was held");
        Assert.Equal([0], Items(storage.Writes[0]));
        Assert.Equal(Enumerable.Range(0, 11), Items(storage.Writes[1]));
        storage.Writes[1].Commit();
        await Task.WhenAll(later);
        Assert.Equal(Enumerable.Range(0, 11), Items(storage.Committed));
    }

    [Fact]
    public async Task CallsArrivingDuringAWriteShareTheNextSingleWrite()
    {
        const int calls = 100;
        var (probe, storage) = NewProbe();
        var first = probe.AddAsync(0);
        await UntilAsync(() => storage.Writes.Count == 1, "the first write to start");
        var rest = Enumerable.Range(1, calls - 1).Select(probe.AddAsync).ToList();
        await UntilInMemoryAsync(probe, calls);
        storage.HoldWrites = false;
        storage.Writes[0].Commit();

        await Task.WhenAll(rest.Append(first));

        Assert.Equal(2, storage.Writes.Count);
        Assert.All(storage.Writes, w => Assert.True(w.Committed));
        Assert.Equal(Enumerable.Range(0, calls), Items(storage.Committed));
    }

    [Fact]
    public async Task AFailedWriteFailsEveryCallItCoveredAndThoseOnTopReloadsAndLaterCallsSucceed()
    {
        var (probe, storage) = NewProbe();
        var first = probe.AddAsync(0);
        await UntilAsync(() => storage.Writes.Count == 1, "the first write to start");
        var covered = Enumerable.Range(1, 5).Select(probe.AddAsync).ToList();
        await UntilInMemoryAsync(probe, 6);
        storage.Writes[0].Commit();
        await first;
        await UntilAsync(() => storage.Writes.Count == 2, "the batch's write to start");
        var onTop = Enumerable.Range(6, 3).Select(probe.AddAsync).ToList();
        await UntilInMemoryAsync(probe, 9);
        var readsBefore = storage.Reads;

        storage.Writes[1].Fail();

        foreach (var call in covered.Concat(onTop))
        {
            // Orleans wraps what the storage threw.
            var error = await Assert.ThrowsAnyAsync<Exception>(() => call);
            Assert.Equal(StoredWrite.InjectedFailure, Assert.IsType<IOException>(error.InnerException).Message);
        }

        Assert.Equal(readsBefore + 1, storage.Reads);
        Assert.Equal(new[] { 0 }, await probe.GetAsync());
        storage.HoldWrites = false;
        await probe.AddAsync(42);
        Assert.Equal(new[] { 0, 42 }, await probe.GetAsync());
        Assert.Equal([0, 42], Items(storage.Committed));
        Assert.Equal(3, storage.Writes.Count);
    }

    [Fact]
    public async Task ARepeatedStepAnswersOnlyOnceTheChangeItRepeatsIsStoredAndFailsWithIt()
    {
        var (probe, storage) = NewProbe();
        var first = probe.AddAsync(7);
        await UntilAsync(() => storage.Writes.Count == 1, "the first write to start");
        var repeat = probe.AddAsync(7);
        await UntilInMemoryAsync(probe, 1);
        // The repeat changes nothing and needs no write of its own, but its answer must not come before the first's.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(repeat.IsCompleted, "a repeat was answered while the change it repeats was only in memory");
        storage.Writes[0].Commit();
        await Task.WhenAll(first, repeat);
        Assert.Single(storage.Writes);

        var failing = probe.AddAsync(8);
        await UntilAsync(() => storage.Writes.Count == 2, "the second write to start");
        var failingRepeat = probe.AddAsync(8);
        await UntilInMemoryAsync(probe, 2);
        storage.Writes[1].Fail();
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        await Assert.ThrowsAnyAsync<Exception>(() => failingRepeat);
        Assert.Equal(new[] { 7 }, await probe.GetAsync());
    }

    private (IGroupCommitProbeGrain Probe, StoredGrain Storage) NewProbe()
    {
        var key = Guid.NewGuid().ToString("N");
        var storage = ControlledStorage.Shared.For(key);
        storage.HoldWrites = true;
        return (_grains.GetGrain<IGroupCommitProbeGrain>(key), storage);
    }

    private static int[] Items(StoredWrite write) => Items(write.State);

    /// <summary>Sorted: calls reach the grain in no particular order.</summary>
    private static int[] Items(object? state) => [.. ((ProbeState)state!).Items.Order()];

    /// <summary>Until every call so far has reached the grain and changed its memory (the probe answers reads from it).</summary>
    private static async Task UntilInMemoryAsync(IGroupCommitProbeGrain probe, int items)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while ((await probe.GetAsync()).Length < items)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {items} calls reached the grain");
            await Task.Delay(10);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
