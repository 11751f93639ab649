namespace ECommerce.Silo.Statistics;

/// <summary>What the admin page shows about the outbox. Null means the number is not available.</summary>
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
