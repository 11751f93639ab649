using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ECommerce.Silo.Runtime;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Statistics;

/// <summary>Listens to this silo's own meters (not to other silos in the same process) and keeps what the dashboard
/// shows: totals per grain type and method, activations, storage and group-commit figures, and the last
/// <see cref="SampleCapacity"/> one-second samples taken by <see cref="Sample"/>.</summary>
public sealed class SiloStatistics : IDisposable
{
    public const int SampleCapacity = 100;

    private readonly Meter _siloMeter;
    private readonly Meter _storageMeter;
    private readonly TimeProvider _timeProvider;
    private readonly IReminderTable _reminders;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<(string Type, string Method), MethodCounters> _methods = new();
    private readonly ConcurrentDictionary<string, long> _activations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StorageCounters> _storage = new(StringComparer.Ordinal);
    private readonly object _sampleLock = new();
    private readonly Queue<StatisticsSample> _samples = new();
    private Dictionary<(string Type, string Method), MethodTotals> _previous = [];
    private Dictionary<(string Type, string Method), double> _rates = [];
    private long _previousTimestamp;

    public SiloStatistics(SiloMetrics siloMetrics, StorageMetrics storageMetrics, TimeProvider timeProvider, IReminderTable reminders)
    {
        _siloMeter = siloMetrics.Meter;
        _storageMeter = storageMetrics.Meter;
        _timeProvider = timeProvider;
        _reminders = reminders;
        _previousTimestamp = timeProvider.GetTimestamp();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, _siloMeter) || ReferenceEquals(instrument.Meter, _storageMeter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Totals since start per grain type and method, with the call rate of the last sample.</summary>
    public IReadOnlyList<GrainMethodStatistics> Methods()
    {
        Dictionary<(string Type, string Method), double> rates;
        lock (_sampleLock)
        {
            rates = _rates;
        }

        return _methods
            .Select(pair =>
            {
                var totals = pair.Value.Totals();
                return new GrainMethodStatistics(pair.Key.Type, pair.Key.Method, totals.Calls, totals.Errors,
                    rates.GetValueOrDefault(pair.Key), totals.Latency);
            })
            .OrderBy(m => m.GrainType, StringComparer.Ordinal)
            .ThenBy(m => m.Method, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Live activations per grain type, read now.</summary>
    public IReadOnlyDictionary<string, long> Activations()
    {
        lock (_listener)
        {
            _listener.RecordObservableInstruments();
        }

        return new SortedDictionary<string, long>(_activations, StringComparer.Ordinal);
    }

    public IReadOnlyList<StorageStatistics> Storage() => _storage
        .Select(pair => pair.Value.Snapshot(pair.Key))
        .OrderBy(s => s.GrainType, StringComparer.Ordinal)
        .ToList();

    public IReadOnlyList<StatisticsSample> Samples()
    {
        lock (_sampleLock)
        {
            return [.. _samples];
        }
    }

    public Task<int> CountRemindersAsync(CancellationToken cancellationToken) => _reminders.CountAsync(cancellationToken);

    /// <summary>Takes one sample of the totals since the previous one; <see cref="SiloStatisticsSampler"/> calls it every second.</summary>
    public StatisticsSample Sample()
    {
        var activeGrains = Activations().Values.Sum();
        lock (_sampleLock)
        {
            var now = _timeProvider.GetTimestamp();
            var seconds = _timeProvider.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
            _previousTimestamp = now;

            var current = _methods.ToDictionary(pair => pair.Key, pair => pair.Value.Totals());
            var rates = new Dictionary<(string Type, string Method), double>(current.Count);
            long calls = 0;
            long errors = 0;
            var latency = DistributionSnapshot.Empty;
            foreach (var (key, totals) in current)
            {
                var delta = _previous.TryGetValue(key, out var earlier) ? totals.Minus(earlier) : totals;
                rates[key] = seconds > 0 ? delta.Calls / seconds : 0;
                calls += delta.Calls;
                errors += delta.Errors;
                latency = latency.Plus(delta.Latency);
            }

            _previous = current;
            _rates = rates;
            var sample = new StatisticsSample(
                _timeProvider.GetUtcNow(),
                seconds > 0 ? calls / seconds : 0,
                calls == 0 ? 0 : (double)errors / calls,
                latency.Average,
                latency.Quantile(0.99),
                activeGrains,
                calls,
                errors);
            _samples.Enqueue(sample);
            while (_samples.Count > SampleCapacity)
            {
                _samples.Dequeue();
            }

            return sample;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? type = null;
        string? method = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "grain.type":
                    type = tag.Value as string;
                    break;
                case "grain.method":
                    method = tag.Value as string;
                    break;
            }
        }

        if (type is null)
        {
            return;
        }

        switch (instrument.Name)
        {
            case "grain.calls" when method is not null:
                Interlocked.Add(ref MethodOf(type, method).Calls, (long)value);
                break;
            case "grain.errors" when method is not null:
                Interlocked.Add(ref MethodOf(type, method).Errors, (long)value);
                break;
            case "grain.call.duration" when method is not null:
                MethodOf(type, method).Latency.Record(value);
                break;
            case "grain.activations":
                _activations[type] = (long)value;
                break;
            case "grain.version_conflict.retries":
                Interlocked.Add(ref StorageOf(type).ConflictRetries, (long)value);
                break;
            case "grain.group_commit.batch_size":
                StorageOf(type).BatchSize.Record(value);
                break;
            case "grain.group_commit.write.duration":
                StorageOf(type).GroupCommitWrite.Record(value);
                break;
            case "storage.write.duration":
                StorageOf(type).Write.Record(value);
                break;
            case "storage.version_conflicts":
                Interlocked.Add(ref StorageOf(type).VersionConflicts, (long)value);
                break;
        }
    }

    private MethodCounters MethodOf(string type, string method) => _methods.GetOrAdd((type, method), static _ => new MethodCounters());

    private StorageCounters StorageOf(string type) => _storage.GetOrAdd(type, static _ => new StorageCounters());

    private sealed class MethodCounters
    {
        public long Calls;
        public long Errors;
        public readonly Distribution Latency = new();

        public MethodTotals Totals() => new(Volatile.Read(ref Calls), Volatile.Read(ref Errors), Latency.Snapshot());
    }

    private sealed record MethodTotals(long Calls, long Errors, DistributionSnapshot Latency)
    {
        public MethodTotals Minus(MethodTotals earlier) => new(Calls - earlier.Calls, Errors - earlier.Errors, Latency.Minus(earlier.Latency));
    }

    private sealed class StorageCounters
    {
        public long ConflictRetries;
        public long VersionConflicts;
        public readonly Distribution BatchSize = new();
        public readonly Distribution GroupCommitWrite = new();
        public readonly Distribution Write = new();

        public StorageStatistics Snapshot(string grainType) => new(grainType, BatchSize.Snapshot(), GroupCommitWrite.Snapshot(),
            Write.Snapshot(), Volatile.Read(ref VersionConflicts), Volatile.Read(ref ConflictRetries));
    }
}

/// <param name="CallsPerSecond">Over the last sample interval.</param>
/// <param name="Latency">Milliseconds from the call's arrival to its reply, since start.</param>
public sealed record GrainMethodStatistics(string GrainType, string Method, long Calls, long Errors, double CallsPerSecond,
    DistributionSnapshot Latency);

/// <param name="BatchSize">Replies released per group-commit write.</param>
/// <param name="GroupCommitWrite">Milliseconds per group-commit write.</param>
/// <param name="Write">Milliseconds per storage write transaction.</param>
/// <param name="VersionConflicts">Writes refused by storage because the stored version moved on.</param>
/// <param name="ConflictRetries">Calls the runtime re-ran after a version conflict.</param>
public sealed record StorageStatistics(string GrainType, DistributionSnapshot BatchSize, DistributionSnapshot GroupCommitWrite,
    DistributionSnapshot Write, long VersionConflicts, long ConflictRetries);

/// <summary>Totals over one sample interval. Latencies are null when no call completed in it.</summary>
public sealed record StatisticsSample(DateTimeOffset At, double CallsPerSecond, double ErrorRate, double? AverageLatencyMs,
    double? P99LatencyMs, long ActiveGrains, long Calls, long Errors);
