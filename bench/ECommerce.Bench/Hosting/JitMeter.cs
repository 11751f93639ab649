using System.Diagnostics;

namespace ECommerce.Bench.Hosting;

/// <summary>How busy a started server's tiered-compilation thread was over a stretch of wall time: the share of that time
/// it spent recompiling methods. Near 0 once the code the load runs is compiled at its final tier.</summary>
internal sealed class JitMeter(BackendProcess? process)
{
    private IReadOnlyDictionary<int, TimeSpan>? _atStart;
    private long _startedAt;

    public void Start()
    {
        _atStart = process?.JitThreadCpuTimes;
        _startedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The CPU time the threads used since <see cref="Start"/> over the wall time since then; null when it cannot
    /// be read. A thread that ended in between loses its last share; one started in between counts from zero.</summary>
    public double? Share()
    {
        var wall = Stopwatch.GetElapsedTime(_startedAt);
        if (_atStart is not { } before || process?.JitThreadCpuTimes is not { } after || wall <= TimeSpan.Zero)
        {
            return null;
        }

        var used = after.Aggregate(TimeSpan.Zero, (sum, thread) =>
            sum + thread.Value - (before.TryGetValue(thread.Key, out var earlier) && earlier <= thread.Value ? earlier : TimeSpan.Zero));
        return used / wall;
    }
}
