using System.Collections.Concurrent;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;

namespace ECommerce.Silo.Tests.Runtime;

/// <summary>In-memory storage with the SQL providers' version rules, plus hooks to hold or fail writes.</summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(GrainId, string), (object State, long Version, int Records)> _rows = new();
    private readonly object _writeLock = new();
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public int RecordsWritten { get; private set; }

    /// <summary>Awaited before every write; lets a test hold a write in flight.</summary>
    public Func<GrainId, Task>? BeforeWrite { get; set; }

    /// <summary>When set, the next write throws it (and writes nothing).</summary>
    public Exception? FailNextWrite { get; set; }

    public long StoredVersion(GrainId grainId, string stateName) => _rows.TryGetValue((grainId, stateName), out var row) ? row.Version : 0;

    public Task<StoredState<TState>?> ReadAsync<TState>(GrainId grainId, string stateName, CancellationToken cancellationToken)
        where TState : class =>
        Task.FromResult(_rows.TryGetValue((grainId, stateName), out var row) ? new StoredState<TState>((TState)row.State, row.Version) : null);

    public async Task<long> WriteAsync<TState>(GrainId grainId, string stateName, TState state, long expectedVersion,
        IReadOnlyList<object> records, CancellationToken cancellationToken) where TState : class
    {
        if (BeforeWrite is { } hook)
        {
            await hook(grainId);
        }

        lock (_writeLock)
        {
            if (FailNextWrite is { } failure)
            {
                FailNextWrite = null;
                throw failure;
            }

            var current = _rows.TryGetValue((grainId, stateName), out var row) ? row.Version : 0;
            if (current != expectedVersion)
            {
                throw new InconsistentStateException($"{grainId}/{stateName}: stored version {current}, expected {expectedVersion}");
            }

            _rows[(grainId, stateName)] = (state, expectedVersion + 1, records.Count);
            _writes++;
            RecordsWritten += records.Count;
            return expectedVersion + 1;
        }
    }

    public Task ClearAsync<TState>(GrainId grainId, string stateName, long expectedVersion, CancellationToken cancellationToken)
        where TState : class
    {
        lock (_writeLock)
        {
            var current = _rows.TryGetValue((grainId, stateName), out var row) ? row.Version : 0;
            if (current != expectedVersion)
            {
                throw new InconsistentStateException($"{grainId}/{stateName}: stored version {current}, expected {expectedVersion}");
            }

            _rows.TryRemove((grainId, stateName), out _);
            return Task.CompletedTask;
        }
    }
}

public sealed class MemoryReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId, string), ReminderEntry> _entries = new();

    public Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        _entries[(entry.GrainId, entry.Name)] = entry;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        _entries.TryRemove((grainId, name), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReminderEntry>>(_entries.Values.Where(e => e.NextDueAt <= now).Take(max).ToList());

    public Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryUpdate((entry.GrainId, entry.Name), entry with { NextDueAt = nextDueAt }, entry));

    public Task<int> CountAsync(CancellationToken cancellationToken) => Task.FromResult(_entries.Count);
}
