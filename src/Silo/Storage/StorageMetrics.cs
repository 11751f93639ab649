using System.Diagnostics.Metrics;

namespace ECommerce.Silo.Storage;

public sealed class StorageMetrics
{
    public const string MeterName = "ECommerce.Silo.Storage";

    private readonly Histogram<double> _writeDuration;
    private readonly Counter<long> _versionConflicts;
    private readonly Histogram<long> _writeRecords;

    public StorageMetrics(IMeterFactory meterFactory)
    {
        var meter = Meter = meterFactory.Create(MeterName);
        _writeDuration = meter.CreateHistogram<double>("storage.write.duration", "ms", "Duration of one grain state write transaction.");
        _versionConflicts = meter.CreateCounter<long>("storage.version_conflicts", description: "Writes refused because the stored version moved on.");
        _writeRecords = meter.CreateHistogram<long>("storage.write.records", "{record}", "Staged records written with one state write.");
    }

    internal Meter Meter { get; }

    internal void RecordWrite(string grainType, TimeSpan elapsed, int records)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _writeDuration.Record(elapsed.TotalMilliseconds, tag);
        _writeRecords.Record(records, tag);
    }

    internal void RecordConflict(string grainType) =>
        _versionConflicts.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));
}
