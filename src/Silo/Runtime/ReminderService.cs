using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Runtime;

/// <summary>Durable reminders: registration, and the poll that fires due ticks as turns (activating the grain if needed).</summary>
internal sealed class ReminderService(IReminderTable table, TimeProvider timeProvider, ILogger<ReminderService> logger)
{
    private const int BatchSize = 200;

    public Task RegisterAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        var firstTick = timeProvider.GetUtcNow() + dueTime;
        return table.UpsertAsync(new ReminderEntry(grainId, name, firstTick, period, firstTick), CancellationToken.None);
    }

    public Task UnregisterAsync(GrainId grainId, string name) => table.RemoveAsync(grainId, name, CancellationToken.None);

    /// <summary>Fires every due reminder this node wins; returns how many it fired.</summary>
    public async Task<int> PollOnceAsync(SiloRuntime runtime, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var due = await table.GetDueAsync(now, BatchSize, cancellationToken);
        var fired = 0;
        foreach (var entry in due)
        {
            var next = entry.NextDueAt + entry.Period;
            if (next <= now)
            {
                next = now + entry.Period;
            }

            // Claimed by compare-and-set, so two nodes over one table fire a tick once.
            if (!await table.TryAdvanceAsync(entry, next, cancellationToken))
            {
                continue;
            }

            fired++;
            _ = FireAsync(runtime, entry, new TickStatus(entry.FirstTickAt, entry.Period, now));
        }

        return fired;
    }

    private async Task FireAsync(SiloRuntime runtime, ReminderEntry entry, TickStatus status)
    {
        try
        {
            await runtime.RunAsTurnAsync(entry.GrainId, $"reminder:{entry.Name}", grain => grain is IRemindable remindable
                ? remindable.ReceiveReminderAsync(entry.Name, status)
                : throw new InvalidOperationException($"{entry.GrainId} has reminder '{entry.Name}' but is not IRemindable."));
        }
        catch (Exception exception)
        {
            // The reminder stays registered and fires again next period.
            logger.LogError(exception, "Reminder {Reminder} of {GrainType} {GrainKey} failed", entry.Name, entry.GrainId.Type, entry.GrainId.Key);
        }
    }
}
