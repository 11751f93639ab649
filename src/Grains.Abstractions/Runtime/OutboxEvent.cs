namespace ECommerce.Grains.Abstractions.Runtime;

/// <summary>An integration event staged with <see cref="IPersistentState{TState}.Append"/>, so it is stored in the same
/// transaction as the state change it announces; a relay delivers it later.</summary>
public sealed record OutboxEvent(Guid EventId, string EventType, string Payload, DateTimeOffset OccurredAt);
