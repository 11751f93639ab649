namespace ECommerce.Silo.Runtime;

/// <summary>Section "Silo".</summary>
public sealed class SiloOptions
{
    /// <summary>An activation idle this long is collected (OnDeactivateAsync runs).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A caller stops waiting for a grain call after this long (the turn itself is not cancelled).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reminder table is polled for due ticks.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long shutdown waits for activations to deactivate.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Section "Silo:GroupCommit".</summary>
    public GroupCommitOptions GroupCommit { get; set; } = new();
}

public sealed class GroupCommitOptions
{
    /// <summary>Makes [GroupCommit] grains write each turn on its own, so benchmarks can compare both.</summary>
    public bool Disabled { get; set; }
}
