using System.Collections.Concurrent;
using System.Diagnostics;

namespace ECommerce.Bench.Load;

/// <summary>Latencies and status codes of the timed requests, per step ("issue", "order", "pay", ...).</summary>
internal sealed class LoadRecorder
{
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private readonly ConcurrentDictionary<(string Step, int Status), int> _counts = new();
    private long _completed;
    private long _started;
    private long _stopped;

    public long Completed => Interlocked.Read(ref _completed);

    public void Start() => _started = Stopwatch.GetTimestamp();

    public void Stop() => _stopped = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started, _stopped == 0 ? Stopwatch.GetTimestamp() : _stopped);

    public void Record(string step, int status, TimeSpan latency)
    {
        _latenciesMs.Enqueue(latency.TotalMilliseconds);
        _counts.AddOrUpdate((step, status), 1, (_, count) => count + 1);
        Interlocked.Increment(ref _completed);
    }

    public double[] LatenciesMs() => [.. _latenciesMs];

    /// <summary>How many answers of <paramref name="step"/> had <paramref name="status"/>.</summary>
    public int Count(string step, int status) => _counts.TryGetValue((step, status), out var count) ? count : 0;

    public IReadOnlyDictionary<string, IReadOnlyDictionary<int, int>> ByStep() =>
        _counts.GroupBy(pair => pair.Key.Step).OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyDictionary<int, int>)group.OrderBy(pair => pair.Key.Status).ToDictionary(pair => pair.Key.Status, pair => pair.Value));
}
