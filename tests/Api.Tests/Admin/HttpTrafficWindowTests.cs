using ECommerce.Api.Admin;

namespace ECommerce.Api.Tests.Admin;

public sealed class HttpTrafficWindowTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Start);

    [Fact]
    public void TheErrorRateIsTheWindowsServerErrorsDividedByItsRequests()
    {
        var window = new HttpTrafficWindow(_clock);
        for (var i = 0; i < 300; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(5), 200);
        }

        for (var i = 0; i < 100; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(5), 503);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(5), 404);
        }

        for (var i = 0; i < 50; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(5), 500);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        var snapshot = window.Snapshot();

        Assert.Equal((500L, 150L, 50L), (snapshot.Requests, snapshot.ServerErrors, snapshot.ClientErrors));
        Assert.Equal(150.0 / 500, snapshot.ErrorRate);
        Assert.Equal(50.0 / 500, snapshot.ClientErrorRate);
        Assert.Equal(500.0 / HttpTrafficWindow.Seconds, snapshot.RequestsPerSecond);
        var (first, second) = (snapshot.PerSecond[^2], snapshot.PerSecond[^1]);
        Assert.Equal((Start, 400L, 100L, 0L, 0.25), (first.At, first.Requests, first.ServerErrors, first.ClientErrors, first.ErrorRate));
        Assert.Equal((Start.AddSeconds(1), 100L, 50L, 50L, 0.5),
            (second.At, second.Requests, second.ServerErrors, second.ClientErrors, second.ErrorRate));
    }

    [Fact]
    public void AWindowWithoutRequestsHasNoRatesAndNoLatency()
    {
        var snapshot = new HttpTrafficWindow(_clock).Snapshot();

        Assert.Equal(HttpTrafficWindow.Seconds, snapshot.PerSecond.Count);
        Assert.Equal((0L, (double?)null, (double?)null, 0.0, (double?)null, (double?)null),
            (snapshot.Requests, snapshot.ErrorRate, snapshot.ClientErrorRate, snapshot.RequestsPerSecond, snapshot.AverageMs, snapshot.P99Ms));
        Assert.All(snapshot.PerSecond, s => Assert.Equal((0L, (double?)null, (double?)null, (double?)null), (s.Requests, s.ErrorRate, s.AverageMs, s.P99Ms)));
    }

    [Fact]
    public void AnIdleSecondBetweenBusyOnesHasNullLatencyRatherThanZero()
    {
        var window = new HttpTrafficWindow(_clock);
        window.Record(TimeSpan.FromMilliseconds(10), 200);
        _clock.Advance(TimeSpan.FromSeconds(2));
        window.Record(TimeSpan.FromMilliseconds(30), 200);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var seconds = window.Snapshot().PerSecond.TakeLast(3).ToList();

        Assert.Equal([10.0, null, 30.0], seconds.Select(s => s.AverageMs));
        Assert.Equal([10.0, null, 30.0], seconds.Select(s => s.P99Ms));
        Assert.Equal([1L, 0L, 1L], seconds.Select(s => s.Requests));
        Assert.Equal(20.0, window.Snapshot().AverageMs);
    }

    [Fact]
    public void TheCurrentSecondIsLeftOutUntilItEndsAndSecondsOlderThanTheWindowDropOut()
    {
        var window = new HttpTrafficWindow(_clock);
        window.Record(TimeSpan.FromMilliseconds(1), 500);

        Assert.Equal(0, window.Snapshot().Requests);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, window.Snapshot().Requests);
        _clock.Advance(TimeSpan.FromSeconds(HttpTrafficWindow.Seconds - 1));
        Assert.Equal(1, window.Snapshot().Requests);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((0L, (double?)null), (window.Snapshot().Requests, window.Snapshot().ErrorRate));

        // The ring slot of the old second is reused, not added to.
        window.Record(TimeSpan.FromMilliseconds(1), 200);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1L, 0L, (double?)0.0), (window.Snapshot().Requests, window.Snapshot().ServerErrors, window.Snapshot().ErrorRate));
    }

    [Fact]
    public void TheP99OfASecondIsItsSlowRequestWithinOneBucket()
    {
        var window = new HttpTrafficWindow(_clock);
        for (var i = 0; i < 99; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(2), 200);
        }

        window.Record(TimeSpan.FromMilliseconds(800), 200);
        window.Record(TimeSpan.FromMilliseconds(900), 200);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var second = window.Snapshot().PerSecond[^1];

        Assert.InRange(second.P99Ms!.Value, 799.99, 900);
        Assert.Equal((99 * 2.0 + 800 + 900) / 101, second.AverageMs!.Value, 9);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
