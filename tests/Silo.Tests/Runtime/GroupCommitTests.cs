using System.Globalization;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Runtime;

public sealed class GroupCommitTests
{
    private static long _nextKey = 50_000;

    private static long NewKey() => Interlocked.Increment(ref _nextKey);

    private static GrainId Id(long key) => new("batchedcounter", key.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task NoCallerIsAnsweredBeforeTheWriteHoldingItsEffectCommitsAndLaterTurnsShareTheNextWrite()
    {
        var storage = new MemoryGrainStorage();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writeStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        storage.BeforeWrite = _ => { writeStarted.TrySetResult(); return gate.Task; };
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(key);

        var first = grain.IncrementAsync();
        await writeStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var later = Enumerable.Range(0, 50).Select(_ => grain.IncrementAsync()).ToList();
        await silo.Probe.WaitForCountAsync($"batched-turns:batchedcounter/{key}", 51);
        var read = grain.GetAsync();
        await silo.Probe.WaitForCountAsync($"batched-turns:batchedcounter/{key}", 51);

        Assert.False(first.IsCompleted);
        Assert.All(later, call => Assert.False(call.IsCompleted));
        Assert.Equal(0, storage.Writes);

        gate.SetResult();
        var results = await Task.WhenAll(later.Prepend(first));

        Assert.Equal(Enumerable.Range(1, 51).Select(i => (long)i), results.Order());
        Assert.Equal(51, await read);
        Assert.Equal(2, storage.Writes);
        Assert.Equal(51, storage.RecordsWritten);
        Assert.Equal(2, storage.StoredVersion(Id(key), "counter"));
        Assert.Equal(0, silo.Probe.Overlaps);
    }

    [Fact]
    public async Task AFailedWriteFailsEveryHeldCallAndTheActivationReloadsFromStorage()
    {
        var storage = new MemoryGrainStorage();
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(key);
        Assert.Equal(1, await grain.IncrementAsync());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writeStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        storage.BeforeWrite = _ => { writeStarted.TrySetResult(); return gate.Task; };

        var inFlight = grain.IncrementAsync();
        await writeStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var waiting = Enumerable.Range(0, 10).Select(_ => grain.IncrementAsync()).ToList();
        await silo.Probe.WaitForCountAsync($"batched-turns:batchedcounter/{key}", 12);
        storage.FailNextWrite = new IOException("disk unplugged");
        gate.SetResult();

        foreach (var call in waiting.Prepend(inFlight))
        {
            var failure = await Assert.ThrowsAsync<IOException>(() => call);
            Assert.Equal("disk unplugged", failure.Message);
        }

        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
        Assert.Equal(2, storage.StoredVersion(Id(key), "counter"));
        Assert.Equal(2, storage.RecordsWritten);
    }

    [Fact]
    public async Task AThousandConcurrentIncrementsOnAGroupCommitGrainEachGetADistinctCommittedValue()
    {
        var storage = new MemoryGrainStorage();
        // A write that yields lets turns pile up behind it, as a real database round trip does.
        storage.BeforeWrite = async _ => await Task.Yield();
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(NewKey());

        var results = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(grain.IncrementAsync)));

        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), results.Order());
        Assert.Equal(1_000, await grain.GetAsync());
        Assert.Equal(1_000, storage.RecordsWritten);
        Assert.Equal(0, silo.Probe.Overlaps);
    }

    [Fact]
    public async Task WithGroupCommitDisabledTurnsQueuedBehindAWriteAreEachWrittenOnTheirOwn()
    {
        var storage = new MemoryGrainStorage();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writeStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        storage.BeforeWrite = _ => { writeStarted.TrySetResult(); return gate.Task; };
        await using var silo = await TestSilo.StartAsync(
            s => s.AddSingleton<IGrainStorage>(storage),
            new Dictionary<string, string?> { ["Silo:GroupCommit:Disabled"] = "true" });
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(key);

        var first = grain.IncrementAsync();
        await writeStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var later = Enumerable.Range(0, 10).Select(_ => grain.IncrementAsync()).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(later.Prepend(first));

        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), results.Order());
        Assert.Equal(11, storage.Writes);
        Assert.Equal(11, storage.StoredVersion(Id(key), "counter"));
    }
}
