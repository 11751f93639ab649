using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.Silo.Storage;

/// <summary>Ready when the configured database answers a trivial query.</summary>
public sealed class StorageHealthCheck(SqlDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
        return HealthCheckResult.Healthy($"{database.Provider} answered");
    }
}
