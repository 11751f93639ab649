namespace ECommerce.Silo.Streams;

public enum StreamProvider
{
    InProcess,
    RabbitMq,
}

/// <summary>Section "Streams". The RabbitMQ connection string comes from <c>ConnectionStrings:RabbitMq</c>.</summary>
public sealed class StreamOptions
{
    public const string Section = "Streams";

    public StreamProvider Provider { get; set; } = StreamProvider.InProcess;

    /// <summary>How often the outbox relay looks for unsent rows while it has nothing to do.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most outbox rows published in one pass.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest pause after failed passes (the pause doubles from <see cref="PollInterval"/>).</summary>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public RabbitMqStreamOptions RabbitMq { get; set; } = new();
}

public sealed class RabbitMqStreamOptions
{
    /// <summary>The durable stream queue (<c>x-queue-type: stream</c>) holding the order events.</summary>
    public string Queue { get; set; } = "ecommerce.order-events";

    /// <summary>Unacknowledged deliveries per consumer (a stream queue requires a prefetch).</summary>
    public ushort Prefetch { get; set; } = 100;

    /// <summary>Pause before a consumer resubscribes from its stored offset after a failure.</summary>
    public TimeSpan ResubscribeDelay { get; set; } = TimeSpan.FromSeconds(1);
}
