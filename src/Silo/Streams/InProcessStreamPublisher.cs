using ECommerce.Grains.Abstractions.Events;

namespace ECommerce.Silo.Streams;

/// <summary>The embedded provider: an event is confirmed once every consumer has handled it, so nothing is kept in
/// memory that a crash could lose; the outbox row stays unsent (and is published again) until then.</summary>
internal sealed class InProcessStreamPublisher(IEnumerable<IStreamConsumer> consumers) : IStreamPublisher
{
    private readonly IStreamConsumer[] _consumers = consumers.ToArray();

    public async Task PublishAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        foreach (var streamEvent in events)
        {
            foreach (var consumer in _consumers)
            {
                await consumer.HandleAsync(streamEvent, cancellationToken);
            }
        }
    }
}
