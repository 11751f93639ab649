using System.Diagnostics.Metrics;
using System.Globalization;

namespace ECommerce.Api.Admin;

/// <summary>Listens, from startup, to ASP.NET Core's request durations and the grains' group-commit instruments of this
/// host, and keeps what the admin page shows.</summary>
public sealed class AdminMetricsListener(IMeterFactory meterFactory, HttpTrafficWindow traffic, GroupCommitStatistics groupCommit)
    : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsRead(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.SetMeasurementEventCallback<int>(OnInt);
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    // Another host in the same process (tests) has its own meter factory; a meter made without one has no scope.
    private bool IsRead(Instrument instrument) =>
        (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, meterFactory))
        && (instrument.Meter.Name, instrument.Name) switch
        {
            (AdminMetrics.HostingMeterName, AdminMetrics.RequestDuration) => true,
            (AdminMetrics.GrainsMeterName, AdminMetrics.BatchSize or AdminMetrics.WriteDuration or AdminMetrics.WriteFailures) => true,
            _ => false,
        };

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == AdminMetrics.RequestDuration)
        {
            var (statusCode, route) = Request(tags);
            if (!IsAdminRoute(route))
            {
                traffic.Record(TimeSpan.FromSeconds(value), statusCode);
            }
        }
        else if (instrument.Name == AdminMetrics.WriteDuration)
        {
            groupCommit.RecordWriteDuration(GrainType(tags), value);
        }
    }

    private void OnInt(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == AdminMetrics.BatchSize)
        {
            groupCommit.RecordBatchSize(GrainType(tags), value);
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == AdminMetrics.WriteFailures)
        {
            groupCommit.RecordWriteFailures(GrainType(tags), value);
        }
    }

    // The page's own polling is left out: it would fill every idle second with requests of its own.
    private static bool IsAdminRoute(string? route) =>
        route is not null && (route == "/admin" || route.StartsWith("/admin/", StringComparison.Ordinal));

    private static (int StatusCode, string? Route) Request(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var statusCode = 0;
        string? route = null;
        foreach (var tag in tags)
        {
            if (tag.Key == AdminMetrics.StatusCodeTag)
            {
                statusCode = tag.Value switch
                {
                    int code => code,
                    long code => (int)code,
                    string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) => code,
                    _ => 0,
                };
            }
            else if (tag.Key == AdminMetrics.RouteTag)
            {
                route = tag.Value as string;
            }
        }

        return (statusCode, route);
    }

    private static string GrainType(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == AdminMetrics.GrainTypeTag && tag.Value?.ToString() is { Length: > 0 } type)
            {
                return type;
            }
        }

        return "unknown";
    }
}
