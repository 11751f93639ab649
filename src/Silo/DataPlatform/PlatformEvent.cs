namespace ECommerce.Silo.DataPlatform;

/// <summary>One event as the data platform receives it: <see cref="Payload"/> is the event's JSON (camelCase).</summary>
public sealed record PlatformEvent(Guid EventId, string EventType, string Payload, DateTimeOffset OccurredAt);
