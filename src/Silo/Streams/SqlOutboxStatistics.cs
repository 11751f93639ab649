using ECommerce.Silo.Statistics;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Streams;

/// <summary>The outbox as the dashboard sees it, read from the tables: rows the relay has not marked sent, the age of
/// the oldest of them, and dead letters not yet replayed (DEAD, or REPLAYING while a replay is in flight).</summary>
internal sealed class SqlOutboxStatistics(SqlDatabase database, TimeProvider clock) : IOutboxStatistics
{
    // occurred_at is timestamptz on PostgreSQL and UTC ISO-8601 text on SQLite; MIN orders both correctly, as the
    // relay's ORDER BY occurred_at does, and the reader parses either into a DateTimeOffset.
    private const string Sql = """
        SELECT
            (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL),
            (SELECT MIN(occurred_at) FROM outbox WHERE sent_at IS NULL),
            (SELECT COUNT(*) FROM dead_letter WHERE status <> 'REPLAYED')
        """;

    public async Task<OutboxStatisticsSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var pending = reader.GetInt64(0);
        var oldest = reader.GetNullableTimestamp(1);
        var deadLetters = reader.GetInt64(2);

        var age = oldest is null ? TimeSpan.Zero : clock.GetUtcNow() - oldest.Value;
        return new OutboxStatisticsSnapshot(pending, age < TimeSpan.Zero ? TimeSpan.Zero : age, deadLetters);
    }
}
