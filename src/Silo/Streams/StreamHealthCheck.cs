using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.Silo.Streams;

/// <summary>Unhealthy while the paid-orders stream is stuck (<see cref="StreamStatisticsSnapshot.Stuck"/>); the
/// description carries the lag and the dead letters either way.</summary>
public sealed class StreamHealthCheck(IStreamStatistics statistics) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = await statistics.GetAsync(cancellationToken);
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"{snapshot.Provider}: {snapshot.Pending?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} pending, oldest {snapshot.OldestPendingAge?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "n/a"} s; {snapshot.DeadLetters} data platform dead letters");
        var data = new Dictionary<string, object>
        {
            ["pending"] = snapshot.Pending ?? -1,
            ["deadLetters"] = snapshot.DeadLetters,
        };
        return snapshot.Stuck is { } stuck
            ? HealthCheckResult.Unhealthy($"stuck: {stuck}; {figures}", data: data)
            : HealthCheckResult.Healthy(figures, data);
    }
}
