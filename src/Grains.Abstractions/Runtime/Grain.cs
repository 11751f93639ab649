namespace ECommerce.Grains.Abstractions.Runtime;

/// <summary>Base type of every grain class. The runtime sets <see cref="Context"/> before <see cref="OnActivateAsync"/>.</summary>
public abstract class Grain
{
    private IGrainContext? _context;

    protected IGrainContext Context =>
        _context ?? throw new InvalidOperationException("The grain is not activated by the runtime.");

    // Called by the silo once, right after construction.
    internal void Attach(IGrainContext context) => _context = context;

    public GrainId GrainId => Context.GrainId;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    protected TimeProvider TimeProvider => Context.TimeProvider;

    public long GetPrimaryKeyLong() => Context.GrainId.GetIntegerKey();

    public string GetPrimaryKeyString() => Context.GrainId.Key;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Asks the runtime to collect this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>An in-memory timer whose callback runs as a turn; it ends with the activation.</summary>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Context.RegisterTimer(callback, dueTime, period);

    /// <summary>A durable reminder: stored, and fired (activating the grain) even after a restart.
    /// The grain must implement <see cref="IRemindable"/>.</summary>
    protected Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        Context.RegisterOrUpdateReminderAsync(reminderName, dueTime, period);

    protected Task UnregisterReminderAsync(string reminderName) => Context.UnregisterReminderAsync(reminderName);
}

/// <summary>What the runtime gives an activation. Implemented by the silo.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    TimeProvider TimeProvider { get; }

    void DeactivateOnIdle();

    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminderAsync(string reminderName);
}

public enum DeactivationReason
{
    IdleTimeout,
    ApplicationRequested,
    ShuttingDown,
}

public interface IRemindable : IGrain
{
    Task ReceiveReminderAsync(string reminderName, TickStatus status);
}

public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);
