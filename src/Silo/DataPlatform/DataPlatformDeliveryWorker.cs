using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.DataPlatform;

/// <summary>POSTs queued events to the data platform; a failure is retried after each of DataPlatform:RetryDelays,
/// and after the last one the event becomes a dead letter and an error is logged.</summary>
public sealed partial class DataPlatformDeliveryWorker : BackgroundService, IDeadLetters
{
    private const int BatchSize = 20;

    private readonly DataPlatformStore _store;
    private readonly DataPlatformSender _sender;
    private readonly DataPlatformOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DataPlatformDeliveryWorker> _logger;
    private readonly AsyncSignal _wake = new();

    internal DataPlatformDeliveryWorker(DataPlatformStore store, DataPlatformSender sender, IOptions<DataPlatformOptions> options,
        TimeProvider clock, ILogger<DataPlatformDeliveryWorker> logger)
    {
        _store = store;
        _sender = sender;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public void Wake() => _wake.Set();

    /// <summary>One pass over the deliveries due now.</summary>
    /// <returns>How many were attempted.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var due = await _store.TakeDueAsync(_clock.GetUtcNow(), BatchSize, cancellationToken);
        var delivered = new List<Guid>(due.Count);
        try
        {
            foreach (var delivery in due)
            {
                if (await DeliverAsync(delivery, cancellationToken))
                {
                    delivered.Add(delivery.Event.EventId);
                }
            }
        }
        finally
        {
            // One write for the pass's deliveries. A crash before it sends them again, as a crash between a POST and
            // its own write always did; the platform drops the repeat by its Idempotency-Key.
            await _store.MarkDeliveredAsync(delivered, _clock.GetUtcNow(), CancellationToken.None);
        }

        return due.Count;
    }

    public Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken cancellationToken) =>
        _store.ListDeadLettersAsync(cancellationToken);

    public async Task<(ReplayOutcome Outcome, string? Error)> ReplayAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await _store.ClaimForReplayAsync(id, cancellationToken))
        {
            return (await _store.FindDeadLetterAsync(id, cancellationToken) is null ? ReplayOutcome.NotFound : ReplayOutcome.NotReplayable,
                null);
        }

        var letter = await _store.FindDeadLetterAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Dead letter {id} vanished while claimed.");
        try
        {
            await _sender.SendAsync(new(letter.Id, letter.EventType, letter.Payload, letter.OccurredAt), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure, so an unexpected exception cannot leave the letter claimed (REPLAYING) for good.
            LogReplayFailed(_logger, exception, id);
            await _store.ReleaseReplayAsync(id, exception.Message, CancellationToken.None);
            return (ReplayOutcome.Failed, exception.Message);
        }

        await _store.CompleteReplayAsync(id, _clock.GetUtcNow(), CancellationToken.None);
        LogReplayed(_logger, id);
        return (ReplayOutcome.Delivered, null);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var attempted = 0;
            try
            {
                attempted = await DeliverDueAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(_logger, exception);
            }

            if (attempted == BatchSize)
            {
                continue;
            }

            try
            {
                await _wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <returns>Whether the platform took it (its delivered mark is the caller's, for the whole pass).</returns>
    private async Task<bool> DeliverAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await _sender.SendAsync(delivery.Event, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure of the attempt counts, not only a refusal or a timeout: otherwise an unexpected exception
            // would be retried every poll forever and never become a dead letter. Its stack trace goes to the log.
            var attempts = delivery.Attempts + 1;
            var delays = _options.EffectiveRetryDelays;
            if (attempts <= delays.Count)
            {
                LogRetry(_logger, exception is HttpRequestException or TaskCanceledException ? null : exception,
                    delivery.Event.EventId, attempts, delays[attempts - 1], exception.Message);
                await _store.ScheduleRetryAsync(delivery.Event.EventId, attempts, _clock.GetUtcNow() + delays[attempts - 1],
                    exception.Message, cancellationToken);
            }
            else
            {
                await _store.DeadLetterAsync(delivery, attempts, exception.Message, _clock.GetUtcNow(), cancellationToken);
                LogDeadLettered(_logger, exception, delivery.Event.EventType, delivery.Event.EventId, attempts);
            }

            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Data platform delivery of {EventId} failed (attempt {Attempts}); retrying in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, Exception? exception, Guid eventId, int attempts, TimeSpan delay,
        string error);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Data platform delivery of {EventType} {EventId} failed {Attempts} times; it is now a dead letter")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string eventType, Guid eventId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letter {Id} replayed to the data platform")]
    private static partial void LogReplayed(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay of dead letter {Id} to the data platform failed")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data platform delivery pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
