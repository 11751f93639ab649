using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using ECommerce.Grains.Abstractions.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Storage;

/// <summary>Grain state over <see cref="SqlDatabase"/>: a registered <see cref="IStateTable{TState}"/> when there is one,
/// otherwise JSON in <c>grain_state</c>. A write is one transaction holding the state and every staged record.</summary>
internal sealed class SqlGrainStorage(
    SqlDatabase database,
    IServiceProvider services,
    StorageMetrics metrics,
    TimeProvider timeProvider) : IGrainStorage
{
    private readonly ConcurrentDictionary<Type, object> _stores = new();
    private readonly RecordWriterDispatch _recordWriters = new(services);

    public async Task<StoredState<TState>?> ReadAsync<TState>(GrainId grainId, string stateName,
        CancellationToken cancellationToken) where TState : class
    {
        var store = StoreFor<TState>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await store.ReadAsync(connection, grainId, stateName, cancellationToken);
    }

    public async Task<long> WriteAsync<TState>(GrainId grainId, string stateName, TState state, long expectedVersion,
        IReadOnlyList<object> records, CancellationToken cancellationToken) where TState : class
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var store = StoreFor<TState>();
        // Resolve every writer first so an unknown record type fails before the transaction starts.
        var writers = new RecordWriterInvoker[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            writers[i] = _recordWriters.For(records[i]);
        }

        var started = Stopwatch.GetTimestamp();
        await using (var transaction = await database.BeginWriteAsync(cancellationToken))
        {
            if (!await WriteStateAsync(store, transaction, grainId, stateName, state, expectedVersion, cancellationToken))
            {
                throw Conflict(grainId, stateName, expectedVersion, "write");
            }

            for (var i = 0; i < records.Count; i++)
            {
                await writers[i].WriteAsync(transaction, grainId, records[i], cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        metrics.RecordWrite(grainId.Type, Stopwatch.GetElapsedTime(started), records.Count);
        return expectedVersion + 1;
    }

    public async Task ClearAsync<TState>(GrainId grainId, string stateName, long expectedVersion,
        CancellationToken cancellationToken) where TState : class
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var store = StoreFor<TState>();
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        if (!await store.ClearAsync(transaction, grainId, stateName, expectedVersion, cancellationToken))
        {
            throw Conflict(grainId, stateName, expectedVersion, "clear");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<bool> WriteStateAsync<TState>(IStateStore<TState> store, SqlWriteTransaction transaction,
        GrainId grainId, string stateName, TState state, long expectedVersion, CancellationToken cancellationToken)
        where TState : class
    {
        try
        {
            return await store.WriteAsync(transaction, grainId, stateName, state, expectedVersion, cancellationToken);
        }
        catch (DbException exception) when (expectedVersion == 0 && database.IsUniqueViolation(exception))
        {
            // A mapped table may insert without ON CONFLICT; a row that already exists is the same conflict.
            return false;
        }
    }

    private InconsistentStateException Conflict(GrainId grainId, string stateName, long expectedVersion, string operation)
    {
        metrics.RecordConflict(grainId.Type);
        return new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of {grainId}: the stored version is no longer {expectedVersion}.");
    }

    private IStateStore<TState> StoreFor<TState>() where TState : class =>
        (IStateStore<TState>)_stores.GetOrAdd(typeof(TState), static (_, self) => self.CreateStore<TState>(), this);

    private IStateStore<TState> CreateStore<TState>() where TState : class =>
        services.GetService<IStateTable<TState>>() is { } table
            ? new MappedStateStore<TState>(table)
            : new JsonStateStore<TState>(database, timeProvider);
}
