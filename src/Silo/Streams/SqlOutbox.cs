using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Streams;

/// <summary>Stores an event unsent (sent_at NULL, attempts 0) for the relay, once per event id, and wakes the relay.</summary>
internal sealed class SqlOutbox(SqlDatabase database, OutboxRelay relay) : IOutbox
{
    public async Task AddAsync(OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        await using (var transaction = await database.BeginWriteAsync(cancellationToken))
        {
            await using var command = SqlCommands.Command(transaction.Connection, transaction.Transaction, $"""
                INSERT INTO outbox (id, event_type, payload, occurred_at, sent_at, attempts)
                VALUES (@id, @event_type, @payload, @occurred_at, NULL, 0)
                {database.OnDuplicateKeyDoNothing("id")}
                """)
                .Bind("@id", outboxEvent.EventId).Bind("@event_type", outboxEvent.EventType)
                .Bind("@payload", outboxEvent.Payload).Bind("@occurred_at", outboxEvent.OccurredAt);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        relay.Wake();
    }
}
