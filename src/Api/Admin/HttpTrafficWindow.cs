namespace ECommerce.Api.Admin;

/// <summary>One completed second of HTTP traffic. Rates and latencies are null in a second without requests: an idle
/// second has no latency, and the chart shows a gap there instead of a zero.</summary>
public sealed record TrafficSecond(DateTimeOffset At, long Requests, long ServerErrors, long ClientErrors, double? ErrorRate,
    double? AverageMs, double? P99Ms);

/// <summary>The last <see cref="HttpTrafficWindow.Seconds"/> completed seconds; every total and rate is of that window,
/// so the error rate is the window's 5xx divided by the window's requests (null without requests).</summary>
public sealed record TrafficWindowSnapshot(int WindowSeconds, long Requests, long ServerErrors, long ClientErrors,
    double? ErrorRate, double? ClientErrorRate, double RequestsPerSecond, double? AverageMs, double? P99Ms,
    IReadOnlyList<TrafficSecond> PerSecond);

/// <summary>HTTP requests counted into one-second buckets of a 60-second ring; thread-safe.</summary>
public sealed class HttpTrafficWindow(TimeProvider clock)
{
    public const int Seconds = 60;

    private readonly Bucket[] _ring = Enumerable.Range(0, Seconds).Select(_ => new Bucket()).ToArray();
    private readonly Lock _lock = new();

    public void Record(TimeSpan duration, int statusCode)
    {
        var second = clock.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            var bucket = _ring[second % Seconds];
            if (bucket.Second != second)
            {
                bucket.Reset(second);
            }

            bucket.Requests++;
            bucket.ServerErrors += statusCode >= 500 ? 1 : 0;
            bucket.ClientErrors += statusCode is >= 400 and < 500 ? 1 : 0;
            bucket.LatencyMs.Add(duration.TotalMilliseconds);
        }
    }

    /// <summary>The <see cref="Seconds"/> seconds before the current one, oldest first; the current second is still filling.</summary>
    public TrafficWindowSnapshot Snapshot()
    {
        var current = clock.GetUtcNow().ToUnixTimeSeconds();
        var perSecond = new List<TrafficSecond>(Seconds);
        var latency = new Distribution();
        long requests = 0, serverErrors = 0, clientErrors = 0;
        lock (_lock)
        {
            for (var second = current - Seconds; second < current; second++)
            {
                var at = DateTimeOffset.FromUnixTimeSeconds(second);
                var bucket = _ring[second % Seconds];
                if (bucket.Second != second || bucket.Requests == 0)
                {
                    perSecond.Add(new TrafficSecond(at, 0, 0, 0, null, null, null));
                    continue;
                }

                perSecond.Add(new TrafficSecond(at, bucket.Requests, bucket.ServerErrors, bucket.ClientErrors,
                    Rate(bucket.ServerErrors, bucket.Requests), bucket.LatencyMs.Average, bucket.LatencyMs.Quantile(0.99)));
                requests += bucket.Requests;
                serverErrors += bucket.ServerErrors;
                clientErrors += bucket.ClientErrors;
                latency.AddAll(bucket.LatencyMs);
            }
        }

        return new TrafficWindowSnapshot(Seconds, requests, serverErrors, clientErrors, Rate(serverErrors, requests),
            Rate(clientErrors, requests), (double)requests / Seconds, latency.Average, latency.Quantile(0.99), perSecond);
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    private sealed class Bucket
    {
        public long Second { get; private set; } = -1;

        public long Requests { get; set; }

        public long ServerErrors { get; set; }

        public long ClientErrors { get; set; }

        public Distribution LatencyMs { get; } = new();

        public void Reset(long second)
        {
            Second = second;
            Requests = ServerErrors = ClientErrors = 0;
            LatencyMs.Clear();
        }
    }
}
