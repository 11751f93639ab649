using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Storage;

namespace ECommerce.Grains.Tests.GroupCommit;

/// <summary>A grain storage the test drives, one <see cref="StoredGrain"/> per grain key: it records every write with
/// the state it was asked to store, holds writes until the test lets each commit or fail, and answers reads with the
/// last committed state. Silos of one process share <see cref="Shared"/>, so a test reaches it wherever its grain lives.</summary>
public sealed class ControlledStorage : IGrainStorage
{
    public const string Name = "controlled";

    public static readonly ControlledStorage Shared = new();

    private readonly ConcurrentDictionary<string, StoredGrain> _grains = new();

    public StoredGrain For(string grainKey) => _grains.GetOrAdd(grainKey, _ => new StoredGrain());

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        For(grainId.Key.ToString()!).Read(grainState);
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var grain = For(grainId.Key.ToString()!);
        var write = grain.Begin(grainState.State, grainState.ETag);
        await write.Finished;
        grain.Commit(write, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException("The probe never clears its state.");
}

public sealed class StoredGrain
{
    private readonly Lock _lock = new();
    private readonly List<StoredWrite> _writes = [];
    private object? _committed;
    private int _version;
    private int _reads;

    /// <summary>While set, every new write waits for <see cref="StoredWrite.Commit"/> or <see cref="StoredWrite.Fail"/>.</summary>
    public bool HoldWrites { get; set; }

    public int Reads
    {
        get
        {
            lock (_lock)
            {
                return _reads;
            }
        }
    }

    public IReadOnlyList<StoredWrite> Writes
    {
        get
        {
            lock (_lock)
            {
                return [.. _writes];
            }
        }
    }

    public object? Committed
    {
        get
        {
            lock (_lock)
            {
                return _committed;
            }
        }
    }

    internal void Read<T>(IGrainState<T> grainState)
    {
        lock (_lock)
        {
            _reads++;
            grainState.State = _committed is T committed ? committed : Activator.CreateInstance<T>();
            grainState.ETag = _committed is null ? null : _version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = _committed is not null;
        }
    }

    internal StoredWrite Begin(object? state, string? etag)
    {
        lock (_lock)
        {
            var expected = _committed is null ? null : _version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (etag != expected)
            {
                throw new InconsistentStateException($"Stale ETag {etag ?? "(none)"}; stored is {expected ?? "(none)"}.");
            }

            var write = new StoredWrite(state, HoldWrites);
            _writes.Add(write);
            return write;
        }
    }

    internal void Commit<T>(StoredWrite write, IGrainState<T> grainState)
    {
        lock (_lock)
        {
            _committed = write.State;
            _version++;
            grainState.ETag = _version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            write.Committed = true;
        }
    }
}

/// <summary>One write: the state it carried when asked for (states are immutable records, so this is what it stores).</summary>
public sealed class StoredWrite
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal StoredWrite(object? state, bool held)
    {
        State = state;
        if (!held)
        {
            _gate.SetResult();
        }
    }

    public object? State { get; }

    /// <summary>Set once the write is stored, before the grain hears back.</summary>
    public bool Committed { get; internal set; }

    internal Task Finished => _gate.Task;

    public void Commit() => _gate.SetResult();

    public void Fail() => _gate.SetException(new IOException(InjectedFailure));

    public const string InjectedFailure = "Injected write failure.";
}
