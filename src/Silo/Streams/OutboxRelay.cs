using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Streams;

/// <summary>Publishes unsent outbox rows in the order they occurred and marks them sent only after the provider
/// confirmed them: a crash in between publishes them again (at-least-once; consumers deduplicate by event id).</summary>
public sealed partial class OutboxRelay(
    SqlDatabase database,
    IStreamPublisher publisher,
    IOptions<StreamOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly StreamOptions _options = options.Value;
    private readonly AsyncSignal _wake = new();

    /// <summary>Looks for unsent rows now instead of at the next poll.</summary>
    public void Wake() => _wake.Set();

    /// <summary>One pass: publishes up to a batch of unsent rows and marks them sent.</summary>
    /// <returns>How many rows were relayed.</returns>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await ReadUnsentAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            await publisher.PublishAsync(batch, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await CountAttemptAsync(batch, sentAt: null, CancellationToken.None);
            throw;
        }

        await CountAttemptAsync(batch, clock.GetUtcNow(), cancellationToken);
        return batch.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var relayed = 0;
            try
            {
                relayed = await RelayOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                LogPassFailed(logger, exception, failures);
            }

            if (relayed == _options.BatchSize)
            {
                continue;
            }

            try
            {
                await _wake.WaitAsync(failures == 0 ? _options.PollInterval : Backoff(failures), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var pause = _options.PollInterval * Math.Pow(2, Math.Min(failures, 16));
        return pause < _options.MaxFailureBackoff ? pause : _options.MaxFailureBackoff;
    }

    private async Task<List<StreamEvent>> ReadUnsentAsync(CancellationToken cancellationToken)
    {
        var batch = new List<StreamEvent>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Command(connection, null, """
            SELECT id, event_type, payload, occurred_at FROM outbox
            WHERE sent_at IS NULL
            ORDER BY occurred_at, id
            LIMIT @limit
            """).Bind("@limit", _options.BatchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(new StreamEvent(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetTimestamp(3)));
        }

        return batch;
    }

    private async Task CountAttemptAsync(IReadOnlyList<StreamEvent> batch, DateTimeOffset? sentAt,
        CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        foreach (var streamEvent in batch)
        {
            await using var command = SqlCommands.Command(transaction.Connection, transaction.Transaction, sentAt is null
                ? "UPDATE outbox SET attempts = attempts + 1 WHERE id = @id"
                : "UPDATE outbox SET attempts = attempts + 1, sent_at = @sent_at WHERE id = @id")
                .Bind("@id", streamEvent.EventId);
            if (sentAt is not null)
            {
                command.Bind("@sent_at", sentAt);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed ({Failures} in a row); the rows stay unsent")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, int failures);
}
