using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ECommerce.Silo.Runtime;

/// <summary>The runtime's instruments on the "ECommerce.Silo" meter.</summary>
public sealed class SiloMetrics : IDisposable
{
    public const string MeterName = "ECommerce.Silo";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _activations = new(StringComparer.Ordinal);
    private readonly Counter<long> _calls;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _conflictRetries;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _groupWriteDuration;

    public SiloMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("grain.activations", ObserveActivations, unit: "{activation}",
            description: "Live activations per grain type");
        _calls = _meter.CreateCounter<long>("grain.calls", unit: "{call}", description: "Completed grain calls per type and method");
        _errors = _meter.CreateCounter<long>("grain.errors", unit: "{call}", description: "Grain calls that ended in an exception");
        _callDuration = _meter.CreateHistogram<double>("grain.call.duration", unit: "ms",
            description: "From the call's arrival to its reply, queueing and group-commit hold included");
        _conflictRetries = _meter.CreateCounter<long>("grain.version_conflict.retries", unit: "{call}",
            description: "Calls re-run once after a version conflict");
        _batchSize = _meter.CreateHistogram<long>("grain.group_commit.batch_size", unit: "{call}",
            description: "Replies released by one group-commit write");
        _groupWriteDuration = _meter.CreateHistogram<double>("grain.group_commit.write.duration", unit: "ms",
            description: "Duration of one group-commit write");
    }

    internal Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();

    internal void ActivationCreated(string grainType) => Interlocked.Increment(ref _activations.GetOrAdd(grainType, _ => new StrongBox<long>()).Value);

    internal void ActivationRemoved(string grainType) => Interlocked.Decrement(ref _activations.GetOrAdd(grainType, _ => new StrongBox<long>()).Value);

    internal void CallCompleted(string grainType, string method, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "grain.type", grainType }, { "grain.method", method } };
        _calls.Add(1, tags);
        if (failed)
        {
            _errors.Add(1, tags);
        }

        _callDuration.Record(elapsed.TotalMilliseconds, tags);
    }

    internal void VersionConflictRetried(string grainType) => _conflictRetries.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    internal void GroupCommitWritten(string grainType, int batchSize, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _batchSize.Record(batchSize, tag);
        _groupWriteDuration.Record(elapsed.TotalMilliseconds, tag);
    }

    private IEnumerable<Measurement<long>> ObserveActivations()
    {
        foreach (var (grainType, count) in _activations)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), new KeyValuePair<string, object?>("grain.type", grainType));
        }
    }
}
