namespace ECommerce.Silo.DataPlatform;

public enum DeadLetterStatus
{
    Dead,
    Replaying,
    Replayed,
}

/// <summary>An event the data platform did not take after every retry.</summary>
public sealed record DeadLetter(Guid Id, string Destination, string EventType, string Payload, DateTimeOffset OccurredAt,
    DeadLetterStatus Status, long Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? ReplayedAt);

public enum ReplayOutcome
{
    Delivered,
    NotFound,
    /// <summary>Already replayed, or a replay of it is in progress.</summary>
    NotReplayable,
    /// <summary>The POST failed again (refused, timed out, or any other error); it stays a dead letter.</summary>
    Failed,
}

/// <summary>What operators see of the dead letters and how they retry one.</summary>
public interface IDeadLetters
{
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Delivers one dead letter once: it is claimed before the POST and marked replayed (and its delivery
    /// delivered) in one transaction after it, so concurrent replays send it at most once.</summary>
    Task<(ReplayOutcome Outcome, string? Error)> ReplayAsync(Guid id, CancellationToken cancellationToken);
}
