namespace ECommerce.Grains.Abstractions.Events;

/// <summary>An integration event. The grain that raises it keeps it in its own state, written together with the
/// change it announces, until <see cref="IOutbox.AddAsync"/> has stored it for the relay.</summary>
[GenerateSerializer]
public sealed record OutboxEvent(Guid EventId, string EventType, string Payload, DateTimeOffset OccurredAt);

/// <summary>The table the outbox relay publishes from. Adding an event whose id is already stored keeps the stored
/// row, so a grain that is not sure its earlier add went through simply adds again.</summary>
public interface IOutbox
{
    Task AddAsync(OutboxEvent outboxEvent, CancellationToken cancellationToken = default);
}
