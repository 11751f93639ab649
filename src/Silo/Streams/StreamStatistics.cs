using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ECommerce.Silo.Streams;

/// <summary>What the admin page and <c>/health/ready</c> show of the paid-orders stream.</summary>
public interface IStreamStatistics
{
    Task<StreamStatisticsSnapshot> GetAsync(CancellationToken cancellationToken);
}

/// <param name="Pending">Events the ADO.NET queue holds that not every consumer has finished (null: the provider does
/// not tell).</param>
/// <param name="OldestPendingAge">How long the oldest of them has waited: the slowest consumer's lag.</param>
/// <param name="StreamDeadLetters">Events the ADO.NET queue gave up on (null: not that provider).</param>
/// <param name="DeadLetters">Data platform deliveries given up after their retries, not replayed yet.</param>
/// <param name="Consumers">Each consumer's progress since its activation.</param>
/// <param name="Stuck">Why the stream counts as stuck, or null.</param>
public sealed record StreamStatisticsSnapshot(string Provider, long? Pending, TimeSpan? OldestPendingAge,
    long? StreamDeadLetters, long DeadLetters, IReadOnlyList<StreamConsumerProgress> Consumers, string? Stuck);

/// <summary>Reads the ADO.NET queue's and the dead letters' tables and asks each consumer grain for its progress. The
/// stream is stuck when a consumer has failed every delivery, or (ADO.NET queue) its oldest pending event has waited,
/// longer than <c>Streams:StuckAfter</c>.</summary>
internal sealed class StreamStatistics(
    SqlDatabase database,
    IGrainFactory grains,
    IOptions<CommerceStreamOptions> options,
    IOptions<ClusterOptions> cluster,
    TimeProvider clock) : IStreamStatistics
{
    public async Task<StreamStatisticsSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var provider = options.Value.Provider ?? CommerceStreamProvider.Memory;
        var consumers = await Task.WhenAll(
            grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetProgressAsync(),
            grains.GetGrain<IDataPlatformGrain>(IDataPlatformGrain.Key).GetProgressAsync());
        var deadLetters = await CountAsync("SELECT COUNT(*) FROM dead_letter WHERE status <> 'REPLAYED'", cancellationToken);

        long? pending = null, streamDeadLetters = null;
        TimeSpan? oldest = null;
        if (provider == CommerceStreamProvider.AdoNet)
        {
            (pending, oldest) = await ReadQueueAsync(cancellationToken);
            streamDeadLetters = await CountAsync(
                "SELECT COUNT(*) FROM orleans_stream_dead_letters WHERE service_id = @service AND provider_id = @provider",
                cancellationToken);
        }

        var stuckAfter = options.Value.StuckAfter;
        var now = clock.GetUtcNow();
        var stuck = consumers.FirstOrDefault(c => now - c.FailingSince > stuckAfter) is { } failing
            ? $"{failing.Consumer} has failed every delivery for {(now - failing.FailingSince!.Value).TotalSeconds:0} s (Streams:StuckAfter {stuckAfter.TotalSeconds:0} s)"
            : oldest > stuckAfter
                ? $"the oldest pending event has waited {oldest.Value.TotalSeconds:0} s (Streams:StuckAfter {stuckAfter.TotalSeconds:0} s)"
                : null;
        return new StreamStatisticsSnapshot(provider.ToString(), pending, oldest, streamDeadLetters, deadLetters, consumers, stuck);
    }

    private async Task<(long Pending, TimeSpan? Oldest)> ReadQueueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, """
            SELECT COUNT(*), MIN(created_on) FROM orleans_stream_messages
            WHERE service_id = @service AND provider_id = @provider
            """).Bind("@service", cluster.Value.ServiceId).Bind("@provider", OrderStreams.Provider);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var pending = reader.GetInt64(0);
        if (reader.IsDBNull(1))
        {
            return (pending, TimeSpan.Zero);
        }

        // The queue stores UTC times without a zone.
        var age = clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
        return (pending, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    private async Task<long> CountAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, sql)
            .Bind("@service", cluster.Value.ServiceId).Bind("@provider", OrderStreams.Provider);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
