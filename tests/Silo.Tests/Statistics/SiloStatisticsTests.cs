using ECommerce.Silo.Statistics;
using ECommerce.Silo.Tests.Runtime;
using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Statistics;

public sealed class SiloStatisticsTests(SqliteStorageFixture sqlite) : IClassFixture<SqliteStorageFixture>
{
    // SiloStatistics counts from its creation on: each test resolves it before its first call.
    private static Task<TestSilo> StartAsync(ManualClock clock, IReadOnlyDictionary<string, string?>? settings = null) =>
        TestSilo.StartAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<SiloStatistics>();
        }, settings);

    [Fact]
    public async Task CallsErrorsLatencyAndActivationsAreKeptPerGrainTypeAndMethod()
    {
        await using var silo = await StartAsync(new ManualClock());
        var statistics = silo.Services.GetRequiredService<SiloStatistics>();

        for (var i = 0; i < 3; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>(1).IncrementAsync();
        }

        await Assert.ThrowsAsync<GrainRuleBrokenException>(() => silo.Grains.GetGrain<IFaultyGrain>(1).FailAsync("counted"));

        var methods = statistics.Methods().ToDictionary(m => $"{m.GrainType}.{m.Method}");
        Assert.Equal((3, 0, 3), (methods["counter.IncrementAsync"].Calls, methods["counter.IncrementAsync"].Errors, methods["counter.IncrementAsync"].Latency.Count));
        Assert.Equal((1, 1), (methods["faulty.FailAsync"].Calls, methods["faulty.FailAsync"].Errors));
        Assert.True(methods["counter.IncrementAsync"].Latency.Quantile(0.99) > 0);
        Assert.Equal(new Dictionary<string, long> { ["counter"] = 1, ["faulty"] = 1 }, statistics.Activations());
    }

    [Fact]
    public async Task ASampleMeasuresRateErrorRateAndLatencyOverItsOwnIntervalOnly()
    {
        var clock = new ManualClock();
        await using var silo = await StartAsync(clock);
        var statistics = silo.Services.GetRequiredService<SiloStatistics>();
        await silo.Grains.GetGrain<ICounterGrain>(2).IncrementAsync();
        statistics.Sample();

        for (var i = 0; i < 4; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>(2).IncrementAsync();
        }

        await Assert.ThrowsAsync<GrainRuleBrokenException>(() => silo.Grains.GetGrain<IFaultyGrain>(2).FailAsync("sampled"));
        clock.Advance(TimeSpan.FromSeconds(2));
        var busy = statistics.Sample();
        clock.Advance(TimeSpan.FromSeconds(1));
        var rate = statistics.Methods().Single(m => m.Method == "IncrementAsync").CallsPerSecond;
        var quiet = statistics.Sample();

        Assert.Equal((5, 1, 2.5, 0.2, 2L), (busy.Calls, busy.Errors, busy.CallsPerSecond, busy.ErrorRate, busy.ActiveGrains));
        Assert.NotNull(busy.AverageLatencyMs);
        Assert.True(busy.P99LatencyMs >= busy.AverageLatencyMs * 0.8);
        Assert.Equal((0, 0.0, (double?)null, (double?)null), (quiet.Calls, quiet.CallsPerSecond, quiet.AverageLatencyMs, quiet.P99LatencyMs));
        Assert.Equal(2.0, rate, 6);
    }

    [Fact]
    public async Task OnlyTheLastHundredSamplesAreKept()
    {
        var clock = new ManualClock();
        await using var silo = await StartAsync(clock);
        var statistics = silo.Services.GetRequiredService<SiloStatistics>();
        var first = clock.GetUtcNow();

        for (var i = 0; i < 130; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            statistics.Sample();
        }

        var samples = statistics.Samples();
        Assert.Equal(SiloStatistics.SampleCapacity, samples.Count);
        Assert.Equal((first.AddSeconds(31), first.AddSeconds(130)), (samples[0].At, samples[^1].At));
    }

    [Fact]
    public async Task TheSamplerSamplesOncePerSecondOfTheInjectedClock()
    {
        var clock = new ManualClock();
        await using var silo = await TestSilo.StartAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSiloStatistics();
        });
        var statistics = silo.Services.GetRequiredService<SiloStatistics>();
        await silo.Grains.GetGrain<ICounterGrain>(3).IncrementAsync();
        await Eventually.TrueAsync(() => clock.HasTimerWithPeriod(TimeSpan.FromSeconds(1)));

        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => statistics.Samples().Count == 1);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => statistics.Samples().Count == 2);

        Assert.Equal(1, statistics.Samples()[0].Calls);
    }

    [Fact]
    public async Task ASiloCountsOnlyItsOwnCallsWhenAnotherSiloSharesTheProcess()
    {
        await using var busy = await StartAsync(new ManualClock());
        await using var idle = await StartAsync(new ManualClock());
        var busyStatistics = busy.Services.GetRequiredService<SiloStatistics>();
        var idleStatistics = idle.Services.GetRequiredService<SiloStatistics>();

        await busy.Grains.GetGrain<ICounterGrain>(4).IncrementAsync();

        Assert.Equal(1, busyStatistics.Methods().Sum(m => m.Calls));
        Assert.Empty(idleStatistics.Methods());
    }

    [Fact]
    public async Task GroupCommitBatchSizesAndWriteLatencyAreKeptPerGrainType()
    {
        await using var silo = await StartAsync(new ManualClock());
        var statistics = silo.Services.GetRequiredService<SiloStatistics>();
        var grain = silo.Grains.GetGrain<IBatchedCounterGrain>(5);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(grain.IncrementAsync)));

        var storage = statistics.Storage().Single(s => s.GrainType == "batchedcounter");
        Assert.Equal(20, storage.BatchSize.Sum);
        Assert.Equal(storage.BatchSize.Count, storage.GroupCommitWrite.Count);
        Assert.InRange(storage.BatchSize.Count, 1, 20);
    }

    [Fact]
    public async Task AVersionConflictIsCountedByStorageAndAsARetriedCall()
    {
        var configuration = await sqlite.CreateDatabaseAsync();
        var database = configuration.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
        await using var first = await StartAsync(new ManualClock(), database);
        await using var second = await StartAsync(new ManualClock(), database);
        var statistics = first.Services.GetRequiredService<SiloStatistics>();

        await first.Grains.GetGrain<ICounterGrain>(6).IncrementAsync();
        await second.Grains.GetGrain<ICounterGrain>(6).IncrementAsync();
        Assert.Equal(3, await first.Grains.GetGrain<ICounterGrain>(6).IncrementAsync());

        var storage = statistics.Storage().Single(s => s.GrainType == "counter");
        // Two committed writes on the first silo: its first increment and the re-run; the refused one is a conflict.
        Assert.Equal((1, 1, 2), (storage.VersionConflicts, storage.ConflictRetries, storage.Write.Count));
    }

    [Fact]
    public async Task PendingRemindersAreCountedFromTheReminderTable()
    {
        await using var silo = await StartAsync(new ManualClock());
        var before = await silo.Services.GetRequiredService<SiloStatistics>().CountRemindersAsync(CancellationToken.None);

        await silo.Grains.GetGrain<IAlarmGrain>(7).SetAsync(TimeSpan.FromHours(1));

        Assert.Equal(before + 1, await silo.Services.GetRequiredService<SiloStatistics>().CountRemindersAsync(CancellationToken.None));
    }
}

public sealed class DistributionTests
{
    [Fact]
    public void TheP99OfOneToAThousandMillisecondsIsWithinOneBucketOf990()
    {
        var distribution = new Distribution();
        for (var ms = 1; ms <= 1_000; ms++)
        {
            distribution.Record(ms);
        }

        var snapshot = distribution.Snapshot();

        Assert.InRange(snapshot.Quantile(0.99)!.Value, 990, 990 * 1.19);
        Assert.Equal(500.5, snapshot.Average);
        Assert.Null(DistributionSnapshot.Empty.Quantile(0.99));
    }

    [Fact]
    public void TheQuantileNeverExceedsTheLargestValueRecorded()
    {
        var distribution = new Distribution();
        distribution.Record(3.0);

        Assert.Equal(3.0, distribution.Snapshot().Quantile(0.99));
    }
}

internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int timeoutMs = 5_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Delay(5);
        }
    }
}
