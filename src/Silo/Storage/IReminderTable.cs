using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset FirstTickAt, TimeSpan Period,
    DateTimeOffset NextDueAt);

/// <summary>Durable reminders. Several runtimes may share one table: a tick is fired only by the runtime whose
/// <see cref="TryAdvanceAsync"/> moved <c>NextDueAt</c> forward.</summary>
public interface IReminderTable
{
    Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <returns>true when this caller moved the entry from <c>entry.NextDueAt</c> to <paramref name="nextDueAt"/>.</returns>
    Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken);

    Task<int> CountAsync(CancellationToken cancellationToken);
}
