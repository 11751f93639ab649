using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Runtime;

/// <summary>The runtime's side of a grain's persistent state.</summary>
internal interface IStateHolder
{
    string StateName { get; }

    bool IsDirty { get; }

    Task ReadStateAsync();

    /// <summary>Takes what the next group-commit write must persist and clears the dirty mark.</summary>
    StateSnapshot TakeSnapshot();

    void Committed(long version);
}

internal sealed record StateSnapshot(IStateHolder Holder, Func<CancellationToken, Task<long>> WriteAsync);

internal sealed class PersistentState<TState>(Activation owner, string stateName, IGrainStorage storage)
    : IPersistentState<TState>, IStateHolder where TState : class
{
    private static readonly Func<TState>? NewState = typeof(TState).GetConstructor(Type.EmptyTypes) is null
        ? null
        : Activator.CreateInstance<TState>;

    private List<object> _records = [];
    private TState? _state = NewState?.Invoke();

    public string StateName { get; } = stateName;

    public TState State
    {
        get => _state ?? throw new InvalidOperationException(
            $"State '{StateName}' of {owner.GrainId} is not stored yet and {typeof(TState).Name} has no parameterless constructor; set State first.");
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    public long Version { get; private set; }

    public bool RecordExists => Version > 0;

    public bool IsDirty { get; private set; }

    public void Append(object record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records.Add(record);
    }

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync<TState>(owner.GrainId, StateName, CancellationToken.None);
        _state = stored is null ? NewState?.Invoke() : stored.State;
        Version = stored?.Version ?? 0;
        _records = [];
        IsDirty = false;
    }

    public Task WriteStateAsync()
    {
        if (owner.GroupCommit)
        {
            // Persisted after the turn, together with the turns that follow while a write is in flight.
            IsDirty = true;
            return Task.CompletedTask;
        }

        return WriteNowAsync();
    }

    public async Task ClearStateAsync()
    {
        if (owner.GroupCommit)
        {
            throw new NotSupportedException("ClearStateAsync is not available to group-commit grains.");
        }

        try
        {
            await storage.ClearAsync<TState>(owner.GrainId, StateName, Version, CancellationToken.None);
        }
        catch (Exception)
        {
            owner.ReloadBeforeNextTurn();
            throw;
        }

        Version = 0;
        _state = NewState?.Invoke();
        _records = [];
    }

    public StateSnapshot TakeSnapshot()
    {
        var state = State;
        var version = Version;
        var records = _records;
        _records = [];
        IsDirty = false;
        return new StateSnapshot(this,
            ct => storage.WriteAsync(owner.GrainId, StateName, state, version, records, ct));
    }

    public void Committed(long version) => Version = version;

    private async Task WriteNowAsync()
    {
        var records = _records;
        try
        {
            Version = await storage.WriteAsync(owner.GrainId, StateName, State, Version, records, CancellationToken.None);
            _records = [];
        }
        catch (Exception)
        {
            // Memory may now be ahead of storage; the next turn must not build on it.
            owner.ReloadBeforeNextTurn();
            throw;
        }
    }
}
