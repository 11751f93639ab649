using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Streams.RabbitMq;

/// <summary>Where each consumer of a stream resumes: the offset after the last event it handled.</summary>
internal sealed class StreamOffsetStore(SqlDatabase database, TimeProvider clock)
{
    public async Task<long?> ReadNextAsync(string stream, string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null,
            "SELECT next_offset FROM stream_offset WHERE stream = @stream AND consumer = @consumer")
            .Bind("@stream", stream).Bind("@consumer", consumer);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    public async Task StoreNextAsync(string stream, string consumer, long nextOffset, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using var command = SqlCommands.Command(transaction.Connection, transaction.Transaction, $"""
            INSERT INTO stream_offset (stream, consumer, next_offset, updated_at) VALUES (@stream, @consumer, @next, @now)
            {database.OnDuplicateKeyUpdate("stream, consumer", "next_offset", "updated_at")}
            """)
            .Bind("@stream", stream).Bind("@consumer", consumer).Bind("@next", nextOffset).Bind("@now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
