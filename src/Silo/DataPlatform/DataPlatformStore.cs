using System.Data.Common;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.DataPlatform;

internal sealed record PendingDelivery(PlatformEvent Event, int Attempts);

/// <summary>The data_platform_delivery queue and the dead_letter table.</summary>
internal sealed class DataPlatformStore(SqlDatabase database)
{
    public const string Destination = "data-platform";

    /// <summary>Queues events for delivery in one transaction; an event already queued (a redelivery) is left as it is.</summary>
    /// <returns>How many were queued now (the others were queued before).</returns>
    public async Task<int> EnqueueAsync(IReadOnlyList<PlatformEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queued = 0;
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        // One multi-row INSERT per chunk: a stream delivery's batch is one statement, not one per event. A repeat of an
        // event id, also within one statement, is skipped by the conflict clause and not counted.
        foreach (var chunk in events.Chunk(EnqueueChunk))
        {
            var rows = chunk.Select((_, i) => $"(@event_id{i}, @event_type{i}, @payload{i}, @occurred_at{i}, 'PENDING', 0, @due, @now)");
            await using var command = Command(transaction, $"""
                INSERT INTO data_platform_delivery (event_id, event_type, payload, occurred_at, status, attempts,
                    next_attempt_at, created_at)
                VALUES {string.Join(", ", rows)}
                {database.OnDuplicateKeyDoNothing("event_id")}
                """)
                .Bind("@due", now.ToUnixTimeMilliseconds()).Bind("@now", now);
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Bind($"@event_id{i}", chunk[i].EventId).Bind($"@event_type{i}", chunk[i].EventType)
                    .Bind($"@payload{i}", chunk[i].Payload).Bind($"@occurred_at{i}", chunk[i].OccurredAt);
            }

            queued += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return queued;
    }

    // Events per INSERT: 4 parameters each keeps a statement far below every provider's parameter limit.
    private const int EnqueueChunk = 100;

    /// <summary>Whether the event was ever queued (whatever became of its delivery since).</summary>
    public async Task<bool> HasQueuedAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null,
            "SELECT COUNT(*) FROM data_platform_delivery WHERE event_id = @event_id").Bind("@event_id", eventId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task<List<PendingDelivery>> TakeDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var due = new List<PendingDelivery>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, """
            SELECT event_id, event_type, payload, occurred_at, attempts FROM data_platform_delivery
            WHERE status = 'PENDING' AND next_attempt_at <= @now
            ORDER BY next_attempt_at
            LIMIT @limit
            """).Bind("@now", now.ToUnixTimeMilliseconds()).Bind("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new PendingDelivery(
                new PlatformEvent(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetTimestamp(3)),
                reader.GetInt32(4)));
        }

        return due;
    }

    /// <summary>Ends the deliveries of a pass in one statement and one transaction.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<Guid> eventIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        var names = eventIds.Select((_, i) => $"@event_id{i}").ToList();
        await using var command = Command(transaction, $"""
            UPDATE data_platform_delivery SET status = 'DELIVERED', delivered_at = @now
            WHERE event_id IN ({string.Join(", ", names)})
            """).Bind("@now", now);
        for (var i = 0; i < eventIds.Count; i++)
        {
            command.Bind(names[i], eventIds[i]);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ScheduleRetryAsync(Guid eventId, int attempts, DateTimeOffset due, string error,
        CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using var command = Command(transaction, """
            UPDATE data_platform_delivery SET attempts = @attempts, next_attempt_at = @due, last_error = @error
            WHERE event_id = @event_id AND status = 'PENDING'
            """)
            .Bind("@event_id", eventId).Bind("@attempts", attempts).Bind("@due", due.ToUnixTimeMilliseconds())
            .Bind("@error", error);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Ends the delivery and writes its dead letter in one transaction.</summary>
    public async Task DeadLetterAsync(PendingDelivery delivery, int attempts, string error, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using (var command = Command(transaction, """
            UPDATE data_platform_delivery SET status = 'DEAD', attempts = @attempts, last_error = @error
            WHERE event_id = @event_id AND status = 'PENDING'
            """).Bind("@event_id", delivery.Event.EventId).Bind("@attempts", attempts).Bind("@error", error))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }

        await using (var command = Command(transaction, """
            INSERT INTO dead_letter (id, destination, event_type, payload, occurred_at, status, attempts, last_error,
                created_at)
            VALUES (@id, @destination, @event_type, @payload, @occurred_at, 'DEAD', @attempts, @error, @now)
            """)
            .Bind("@id", delivery.Event.EventId).Bind("@destination", Destination)
            .Bind("@event_type", delivery.Event.EventType).Bind("@payload", delivery.Event.Payload)
            .Bind("@occurred_at", delivery.Event.OccurredAt).Bind("@attempts", attempts).Bind("@error", error)
            .Bind("@now", now))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, $"{SelectDeadLetter} ORDER BY created_at DESC, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(ReadDeadLetter(reader));
        }

        return letters;
    }

    public async Task<DeadLetter?> FindDeadLetterAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, $"{SelectDeadLetter} WHERE id = @id").Bind("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDeadLetter(reader) : null;
    }

    /// <summary>DEAD → REPLAYING by compare-and-set, so only one replay of a letter can be in flight.</summary>
    public Task<bool> ClaimForReplayAsync(Guid id, CancellationToken cancellationToken) =>
        UpdateDeadLetterAsync("UPDATE dead_letter SET status = 'REPLAYING' WHERE id = @id AND status = 'DEAD'",
            command => command.Bind("@id", id), cancellationToken);

    /// <summary>A failed replay: back to DEAD with its error, counted as one more attempt.</summary>
    public Task<bool> ReleaseReplayAsync(Guid id, string error, CancellationToken cancellationToken) =>
        UpdateDeadLetterAsync("""
            UPDATE dead_letter SET status = 'DEAD', last_error = @error, attempts = attempts + 1
            WHERE id = @id AND status = 'REPLAYING'
            """, command => command.Bind("@id", id).Bind("@error", error), cancellationToken);

    /// <summary>The letter is replayed and its delivery delivered, in one transaction.</summary>
    public async Task CompleteReplayAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using (var command = Command(transaction, """
            UPDATE dead_letter SET status = 'REPLAYED', replayed_at = @now, attempts = attempts + 1
            WHERE id = @id AND status = 'REPLAYING'
            """).Bind("@id", id).Bind("@now", now))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await MarkDeliveredAsync(transaction, id, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string SelectDeadLetter = """
        SELECT id, destination, event_type, payload, occurred_at, status, attempts, last_error, created_at, replayed_at
        FROM dead_letter
        """;

    private static DeadLetter ReadDeadLetter(DbDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetTimestamp(4),
            Enum.Parse<DeadLetterStatus>(reader.GetString(5), ignoreCase: true), reader.GetInt64(6),
            reader.GetNullableString(7), reader.GetTimestamp(8), reader.GetNullableTimestamp(9));

    private async Task<bool> UpdateDeadLetterAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using var command = Command(transaction, sql);
        bind(command);
        var changed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    private static async Task MarkDeliveredAsync(SqlWriteTransaction transaction, Guid eventId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, """
            UPDATE data_platform_delivery SET status = 'DELIVERED', delivered_at = @now WHERE event_id = @event_id
            """).Bind("@event_id", eventId).Bind("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(SqlWriteTransaction transaction, string sql) =>
        SqlCommands.Command(transaction.Connection, transaction.Transaction, sql);
}
