using System.Collections.Concurrent;

namespace ECommerce.Api.Admin;

/// <summary>Group-commit figures of one grain type since the API started.</summary>
public sealed record GroupCommitRow(string GrainType, long Writes, double? AverageBatchSize, int? MaxBatchSize,
    double? AverageWriteMs, double? P99WriteMs, long Failures);

/// <summary>What the grains report about their group-commit writes, per grain type; thread-safe.</summary>
public sealed class GroupCommitStatistics
{
    private readonly ConcurrentDictionary<string, GrainType> _types = new(StringComparer.Ordinal);

    public void RecordBatchSize(string grainType, int calls) => Of(grainType).Update(t =>
    {
        t.BatchCount++;
        t.BatchSum += calls;
        t.BatchMax = Math.Max(t.BatchMax, calls);
    });

    public void RecordWriteDuration(string grainType, double milliseconds) => Of(grainType).Update(t => t.WriteMs.Add(milliseconds));

    public void RecordWriteFailures(string grainType, long failures) => Of(grainType).Update(t => t.Failures += failures);

    /// <summary>Ordered by grain type.</summary>
    public IReadOnlyList<GroupCommitRow> Snapshot() =>
        _types.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value.Row(pair.Key)).ToList();

    private GrainType Of(string grainType) => _types.GetOrAdd(grainType, _ => new GrainType());

    private sealed class GrainType
    {
        private readonly Lock _lock = new();

        public long BatchCount { get; set; }

        public long BatchSum { get; set; }

        public int BatchMax { get; set; }

        public Distribution WriteMs { get; } = new();

        public long Failures { get; set; }

        public void Update(Action<GrainType> change)
        {
            lock (_lock)
            {
                change(this);
            }
        }

        public GroupCommitRow Row(string name)
        {
            lock (_lock)
            {
                return new GroupCommitRow(name, WriteMs.Count, BatchCount == 0 ? null : (double)BatchSum / BatchCount,
                    BatchCount == 0 ? null : BatchMax, WriteMs.Average, WriteMs.Quantile(0.99), Failures);
            }
        }
    }
}
