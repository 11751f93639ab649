namespace ECommerce.Silo.Statistics;

/// <summary>A count, sum, maximum and fixed log-scale buckets (four per doubling, about 19% wide, from 10 µs up),
/// so a p99 is right to one bucket without keeping the values.</summary>
public sealed class Distribution
{
    public const int BucketCount = 96;
    private const double Smallest = 0.01;
    private const double BucketsPerDoubling = 4;

    private readonly object _lock = new();
    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private double _sum;
    private double _max;

    public void Record(double value)
    {
        var bucket = BucketOf(value);
        lock (_lock)
        {
            _count++;
            _sum += value;
            _max = Math.Max(_max, value);
            _buckets[bucket]++;
        }
    }

    public DistributionSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new DistributionSnapshot(_count, _sum, _max, (long[])_buckets.Clone());
        }
    }

    public static double UpperBound(int bucket) => Smallest * Math.Pow(2, (bucket + 1) / BucketsPerDoubling);

    internal static int BucketOf(double value)
    {
        if (!(value > Smallest))
        {
            return 0;
        }

        var index = (int)Math.Ceiling(Math.Log2(value / Smallest) * BucketsPerDoubling) - 1;
        return Math.Clamp(index, 0, BucketCount - 1);
    }
}

public sealed record DistributionSnapshot(long Count, double Sum, double Max, long[] Buckets)
{
    public static readonly DistributionSnapshot Empty = new(0, 0, 0, new long[Distribution.BucketCount]);

    public double? Average => Count == 0 ? null : Sum / Count;

    /// <summary>The upper bound of the bucket holding the quantile, never above the largest value seen; null when empty.</summary>
    public double? Quantile(double quantile)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            seen += Buckets[i];
            if (seen >= rank)
            {
                return Max > 0 ? Math.Min(Distribution.UpperBound(i), Max) : Distribution.UpperBound(i);
            }
        }

        return Max;
    }

    public DistributionSnapshot Plus(DistributionSnapshot other)
    {
        var buckets = new long[Distribution.BucketCount];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Buckets[i] + other.Buckets[i];
        }

        return new DistributionSnapshot(Count + other.Count, Sum + other.Sum, Math.Max(Max, other.Max), buckets);
    }

    /// <summary>What was recorded since <paramref name="earlier"/>; the maximum is the later one's, an upper bound.</summary>
    public DistributionSnapshot Minus(DistributionSnapshot earlier)
    {
        var buckets = new long[Distribution.BucketCount];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Buckets[i] - earlier.Buckets[i];
        }

        return new DistributionSnapshot(Count - earlier.Count, Sum - earlier.Sum, Max, buckets);
    }
}
