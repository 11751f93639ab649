namespace ECommerce.Grains.Abstractions.Events;

/// <summary>One event on the event stream. Delivery is at-least-once, so <see cref="EventId"/> is what every consumer
/// deduplicates by.</summary>
public sealed record StreamEvent(Guid EventId, string EventType, string Payload, DateTimeOffset OccurredAt)
{
    public static StreamEvent From(OutboxEvent outbox) =>
        new(outbox.EventId, outbox.EventType, outbox.Payload, outbox.OccurredAt);
}

/// <summary>The publishing side of the configured stream provider.</summary>
public interface IStreamPublisher
{
    /// <summary>Returns only once the provider has confirmed every event (stored it, or for the in-process provider:
    /// every consumer handled it); throws otherwise, and the caller publishes them again later.</summary>
    Task PublishAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken);
}

/// <summary>A subscriber to the event stream. It may see an event more than once and must be idempotent by
/// <see cref="StreamEvent.EventId"/>; an exception means "not handled", and the event is delivered again.</summary>
public interface IStreamConsumer
{
    /// <summary>Stable name; providers that keep a position per consumer store it under this name.</summary>
    string Name { get; }

    Task HandleAsync(StreamEvent streamEvent, CancellationToken cancellationToken);
}
