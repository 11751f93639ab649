namespace ECommerce.Silo.Streams;

/// <summary>What stands behind the paid-orders stream (<see cref="CommerceStreamOptions.Provider"/>).</summary>
public enum CommerceStreamProvider
{
    /// <summary>Orleans's ADO.NET queue (Microsoft.Orleans.Streaming.AdoNet) in the storage database, with the project's
    /// own tables and queries (migration 0009). The default on PostgreSQL.</summary>
    AdoNet,

    /// <summary>Azure Event Hubs (Microsoft.Orleans.Streaming.EventHubs), checkpoints in Azure Table storage.</summary>
    EventHubs,

    /// <summary>Orleans's memory streams: lost with the process, so each paid order keeps its event (and its reminder)
    /// until both consumers have stored it. The default on SQLite, which the ADO.NET queue cannot read (see
    /// docs/ARCHITECTURE.md).</summary>
    Memory,
}

/// <summary>Section <see cref="Section"/>. ADO.NET queue settings bind from <c>Streams:AdoNet</c> onto Orleans's own
/// <c>AdoNetStreamOptions</c>; the connection is the storage's.</summary>
public sealed class CommerceStreamOptions
{
    public const string Section = "Streams";

    /// <summary>Unset: <see cref="CommerceStreamProvider.AdoNet"/> where storage is PostgreSQL,
    /// <see cref="CommerceStreamProvider.Memory"/> where it is SQLite.</summary>
    public CommerceStreamProvider? Provider { get; set; }

    /// <summary>The stream counts as stuck (<c>/health/ready</c> unhealthy) when a consumer has failed every delivery, or
    /// the ADO.NET queue's oldest pending event has waited, for longer.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(1);

    public EventHubsStreamOptions EventHubs { get; set; } = new();
}

/// <summary>Section <c>Streams:EventHubs</c>; every value is required when the provider is EventHubs.</summary>
public sealed class EventHubsStreamOptions
{
    /// <summary>The Event Hubs namespace's connection string (or <c>ConnectionStrings:EventHubs</c>).</summary>
    public string? ConnectionString { get; set; }

    public string? Hub { get; set; }

    public string? ConsumerGroup { get; set; }

    public EventHubsCheckpointerOptions Checkpointer { get; set; } = new();
}

/// <summary>Where the Event Hubs receivers store their positions: an Azure Table.</summary>
public sealed class EventHubsCheckpointerOptions
{
    /// <summary>Azure Storage connection string (or <c>ConnectionStrings:EventHubsCheckpoints</c>).</summary>
    public string? ConnectionString { get; set; }

    public string Table { get; set; } = "ecommercecheckpoints";

    /// <summary>How often a receiver stores its position; a restart redelivers at most this much.</summary>
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromSeconds(10);
}
