namespace ECommerce.Api.Admin;

/// <summary>Count, sum, max and log-spaced bucket counts of non-negative values: bounded memory whatever the load, and a
/// quantile within one bucket (about 19 %) of the true value. Not thread-safe; its owner locks.</summary>
public sealed class Distribution
{
    // Bucket i holds values up to Smallest * Growth^i: 0.01 up to about 10^6 (ms: 0.01 ms to 17 minutes) in 108 buckets.
    private const double Smallest = 0.01;
    private const double Growth = 1.189207115002721; // 2^(1/4)
    private const int BucketCount = 108;
    private static readonly double LogGrowth = Math.Log(Growth);

    private readonly long[] _buckets = new long[BucketCount];

    public long Count { get; private set; }

    public double Sum { get; private set; }

    public double Max { get; private set; }

    public double? Average => Count == 0 ? null : Sum / Count;

    public void Add(double value)
    {
        value = Math.Max(0, value);
        _buckets[BucketOf(value)]++;
        Count++;
        Sum += value;
        Max = Count == 1 ? value : Math.Max(Max, value);
    }

    public void AddAll(Distribution other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _buckets[i] += other._buckets[i];
        }

        Max = Count == 0 ? other.Max : other.Count == 0 ? Max : Math.Max(Max, other.Max);
        Count += other.Count;
        Sum += other.Sum;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Count = 0;
        Sum = 0;
        Max = 0;
    }

    /// <summary>The upper bound of the bucket that holds the <paramref name="q"/> quantile, never above the largest value seen.</summary>
    public double? Quantile(double q)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

    private static int BucketOf(double value) =>
        value <= Smallest ? 0 : Math.Min(BucketCount - 1, (int)Math.Ceiling(Math.Log(value / Smallest) / LogGrowth));

    private static double UpperBound(int bucket) => Smallest * Math.Pow(Growth, bucket);
}
