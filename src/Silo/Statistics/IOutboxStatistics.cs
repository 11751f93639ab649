namespace ECommerce.Silo.Statistics;

/// <summary>What the dashboard shows about the outbox. Null means the number is not available (no outbox registered).</summary>
public interface IOutboxStatistics
{
    Task<OutboxStatisticsSnapshot> GetAsync(CancellationToken cancellationToken);
}

/// <param name="Pending">Rows written but not yet confirmed by the stream provider.</param>
/// <param name="OldestPendingAge">Age of the oldest pending row: the relay's lag.</param>
/// <param name="DeadLetters">Deliveries given up after their retries.</param>
public sealed record OutboxStatisticsSnapshot(long? Pending, TimeSpan? OldestPendingAge, long? DeadLetters)
{
    public static readonly OutboxStatisticsSnapshot NotAvailable = new(null, null, null);
}

/// <summary>Registered until an outbox relay registers its own <see cref="IOutboxStatistics"/>.</summary>
internal sealed class NoOutboxStatistics : IOutboxStatistics
{
    public Task<OutboxStatisticsSnapshot> GetAsync(CancellationToken cancellationToken) => Task.FromResult(OutboxStatisticsSnapshot.NotAvailable);
}
