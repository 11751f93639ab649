using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Runtime;

public sealed class GrainRuntimeTests
{
    private static long _nextKey = 1_000;

    private static long NewKey() => Interlocked.Increment(ref _nextKey);

    /// <summary>A caller may be answered a moment before the activation's loop goes idle; collect once it has.</summary>
    private static async Task<int> CollectUntilAsync(Func<int> collect)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int collected;
        while ((collected = collect()) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        return collected;
    }

    [Fact]
    public async Task AFirstCallActivatesTheGrainAndLaterCallsReachTheSameActivation()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = NewKey();
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);

        var first = await grain.GetActivationIdAsync();
        var second = await silo.Grains.GetGrain<ICounterGrain>(key).GetActivationIdAsync();

        Assert.Equal(first, second);
        Assert.Equal(1, silo.Probe.Count($"activate:counter/{key}"));
    }

    [Fact]
    public async Task IntegerAndStringKeysAddressTheirOwnActivations()
    {
        await using var silo = await TestSilo.StartAsync();

        var a = await silo.Grains.GetGrain<IStringKeyGrain>("alpha").GetKeyAsync();
        var b = await silo.Grains.GetGrain<IStringKeyGrain>("beta").GetKeyAsync();
        var one = await silo.Grains.GetGrain<ICounterGrain>(NewKey()).GetActivationIdAsync();
        var two = await silo.Grains.GetGrain<ICounterGrain>(NewKey()).GetActivationIdAsync();

        Assert.Equal(("alpha", "beta"), (a, b));
        Assert.NotEqual(one, two);
    }

    [Fact]
    public async Task AnActivationIdleLongerThanTheCollectionAgeIsDeactivatedAndTheNextCallActivatesAFreshOne()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = NewKey();
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);
        var before = await grain.GetActivationIdAsync();

        Assert.Equal(0, silo.Runtime.CollectIdle(idleSince: long.MinValue));
        var collected = await CollectUntilAsync(() => silo.Runtime.CollectIdle(idleSince: long.MaxValue));
        await silo.Probe.WaitAsync($"deactivated:counter/{key}");
        var after = await grain.GetActivationIdAsync();

        Assert.True(collected >= 1);
        Assert.Equal(1, silo.Probe.Count($"deactivate:counter/{key}:{DeactivationReason.IdleTimeout}"));
        Assert.NotEqual(before, after);
        Assert.Equal(2, silo.Probe.Count($"activate:counter/{key}"));
    }

    [Fact]
    public async Task CollectionHonoursTheConfiguredCollectionAge()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<TimeProvider>(clock),
            new Dictionary<string, string?> { ["Silo:CollectionAge"] = "00:10:00" });
        var key = NewKey();
        await silo.Grains.GetGrain<ICounterGrain>(key).IncrementAsync();

        clock.Advance(TimeSpan.FromMinutes(9));
        var early = silo.Runtime.CollectIdle();
        clock.Advance(TimeSpan.FromMinutes(2));
        var late = await CollectUntilAsync(silo.Runtime.CollectIdle);
        await silo.Probe.WaitAsync($"deactivated:counter/{key}");

        Assert.Equal((0, 1), (early, late));
        Assert.Equal(1, silo.Probe.Count($"deactivate:counter/{key}:{DeactivationReason.IdleTimeout}"));
    }

    [Fact]
    public async Task DeactivateOnIdleDeactivatesAfterTheTurnAndKeepsTheState()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = NewKey();
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);
        await grain.IncrementAsync();
        var before = await grain.GetActivationIdAsync();

        await grain.DeactivateAsync();
        await silo.Probe.WaitAsync($"deactivated:counter/{key}");

        Assert.Equal(1, silo.Probe.Count($"deactivate:counter/{key}:{DeactivationReason.ApplicationRequested}"));
        Assert.NotEqual(before, await grain.GetActivationIdAsync());
        Assert.Equal(1, await grain.GetAsync());
    }

    [Fact]
    public async Task AThousandConcurrentIncrementsOnOneGrainCountAThousandAndNoTurnsInterleave()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(NewKey());

        var results = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(grain.IncrementAsync)));

        Assert.Equal(1_000, await grain.GetAsync());
        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), results.Order());
        Assert.Equal(0, silo.Probe.Overlaps);
    }

    [Fact]
    public async Task TurnsRunInTheOrderTheCallsArrived()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IOrderedGrain>(NewKey());

        await Task.WhenAll(Enumerable.Range(0, 300).Select(grain.AppendAsync).ToList());

        Assert.Equal(Enumerable.Range(0, 300), await grain.GetAsync());
        Assert.Equal(0, silo.Probe.Overlaps);
    }

    [Fact]
    public async Task GrainToGrainCallChainsReturnThroughEveryHop()
    {
        await using var silo = await TestSilo.StartAsync();
        long a = NewKey(), b = NewKey(), c = NewKey(), d = NewKey();

        var path = await silo.Grains.GetGrain<IChainGrain>(a).CallPathAsync([b, c, d]);

        Assert.Equal($"{a}>{b}>{c}>{d}", path);
    }

    [Fact]
    public async Task ACallCycleFailsWithACallCycleExceptionInsteadOfHangingAndTheGrainsStayUsable()
    {
        // A call timeout far above the test's patience: only cycle detection can end this call.
        await using var silo = await TestSilo.StartAsync(settings: new Dictionary<string, string?> { ["Silo:CallTimeout"] = "00:10:00" });
        long a = NewKey(), b = NewKey();

        var cycle = silo.Grains.GetGrain<IChainGrain>(a).CallPathAsync([b, a]);
        var exception = await Assert.ThrowsAsync<GrainCallCycleException>(() => cycle.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains($"chain/{a}", exception.Message);
        Assert.Equal(1, await silo.Grains.GetGrain<IChainGrain>(a).PingAsync());
        Assert.Equal(1, await silo.Grains.GetGrain<IChainGrain>(b).PingAsync());
    }

    [Fact]
    public async Task ACallWithoutAReplyWithinTheCallTimeoutFailsWithTimeoutException()
    {
        await using var silo = await TestSilo.StartAsync(settings: new Dictionary<string, string?> { ["Silo:CallTimeout"] = "00:00:00.200" });
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IFaultyGrain>(key);

        var exception = await Assert.ThrowsAsync<TimeoutException>(grain.WaitForeverAsync);

        Assert.Contains("WaitForeverAsync", exception.Message);
        silo.Probe.SignalFor($"release:faulty/{key}").TrySetResult();
    }

    [Fact]
    public async Task AGrainExceptionReachesTheCallerUnchangedAndTheActivationLivesOn()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IFaultyGrain>(NewKey());
        var before = await grain.GetActivationIdAsync();

        var first = await Assert.ThrowsAsync<GrainRuleBrokenException>(() => grain.FailAsync("no-negative-stock"));
        var second = await Assert.ThrowsAsync<GrainRuleBrokenException>(async () => await grain.FailSynchronouslyAsync("sync"));

        Assert.Equal(("no-negative-stock", 1), (first.Rule, first.Attempt));
        Assert.Equal(("sync", 2), (second.Rule, second.Attempt));
        Assert.Equal(before, await grain.GetActivationIdAsync());
    }

    [Fact]
    public async Task AStaleWriteIsReloadedAndRunOnceMoreAgainstFreshState()
    {
        var storage = new MemoryGrainStorage();
        await using var first = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        await using var second = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        var key = NewKey();
        Assert.Equal(1, await first.Grains.GetGrain<ICounterGrain>(key).IncrementAsync());

        Assert.Equal(2, await second.Grains.GetGrain<ICounterGrain>(key).IncrementAsync());
        var afterConflict = await first.Grains.GetGrain<ICounterGrain>(key).IncrementAsync();

        Assert.Equal(3, afterConflict);
        Assert.Equal(3, storage.StoredVersion(new GrainId("counter", key.ToString(System.Globalization.CultureInfo.InvariantCulture)), "counter"));
        Assert.Equal(3, first.Probe.Count($"increment-runs:counter/{key}"));
    }

    [Fact]
    public async Task AStorageFailureReachesTheCallerAndIsLoggedWithTheGrainTypeKeyAndMethod()
    {
        var storage = new MemoryGrainStorage();
        var logs = new LogCapture();
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage).AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var key = NewKey();
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);
        await grain.IncrementAsync();
        storage.FailNextWrite = new IOException("disk unplugged");

        await Assert.ThrowsAsync<IOException>(grain.IncrementAsync);
        await Assert.ThrowsAsync<GrainRuleBrokenException>(() => silo.Grains.GetGrain<IFaultyGrain>(key).FailAsync("business"));

        var logged = Assert.Single(logs.Entries, e => e.Exception is IOException);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logged.Level);
        Assert.Equal(("counter", key.ToString(System.Globalization.CultureInfo.InvariantCulture), "IncrementAsync"),
            ((string?)logged.Properties["GrainType"], (string?)logged.Properties["GrainKey"], (string?)logged.Properties["Method"]));
        Assert.DoesNotContain(logs.Entries, e => e.Exception is GrainRuleBrokenException);
        Assert.Equal(1, await grain.GetAsync());
    }

    [Fact]
    public async Task ClearedStateStartsAgainFromItsDefault()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(NewKey());
        await grain.IncrementAsync();
        await grain.IncrementAsync();

        await grain.ResetAsync();

        Assert.Equal((0, 0), (await grain.GetAsync(), await grain.GetStoredVersionAsync()));
        Assert.Equal(1, await grain.IncrementAsync());
    }

    [Fact]
    public async Task TimerTicksRunAsTurnsThatNeverInterleaveWithCalls()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IAlarmGrain>(key);

        await grain.StartTickingAsync(TimeSpan.FromMilliseconds(5));
        var touches = Task.WhenAll(Enumerable.Range(0, 200).Select(_ => grain.TouchAsync()));
        await silo.Probe.WaitAsync($"ticks:alarm/{key}");
        await touches;

        Assert.Equal(200, silo.Probe.Count($"touch:alarm/{key}"));
        Assert.Equal(0, silo.Probe.Overlaps);
    }

    [Fact]
    public async Task AReminderRegisteredBeforeARestartFiresOnTheNextSilo()
    {
        var reminders = new MemoryReminderTable();
        var key = NewKey();
        await using (var before = await TestSilo.StartAsync(s => s.AddSingleton<IReminderTable>(reminders),
                         new Dictionary<string, string?> { ["Silo:ReminderPollInterval"] = "01:00:00" }))
        {
            await before.Grains.GetGrain<IAlarmGrain>(key).SetAsync(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(1, await reminders.CountAsync(CancellationToken.None));
        await using var after = await TestSilo.StartAsync(s => s.AddSingleton<IReminderTable>(reminders));
        await after.Probe.WaitAsync($"reminder:alarm/{key}:alarm");

        Assert.Equal(1, after.Probe.Count($"signal:reminder:alarm/{key}:alarm"));
    }
}
