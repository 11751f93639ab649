using System.Data.Common;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

/// <summary>Maps one state type to relational tables (shaped after the ERD), with a version column.
/// State types without a registered mapping are stored as JSON in the generic <c>grain_state</c> table.
/// SQL must run on both SQLite and PostgreSQL (named parameters <c>@name</c>, <c>ON CONFLICT</c>, <c>RETURNING</c>).</summary>
public interface IStateTable<TState> where TState : class
{
    Task<StoredState<TState>?> ReadAsync(DbConnection connection, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="state"/> with version <paramref name="expectedVersion"/> + 1.</summary>
    /// <returns>false when the stored version is not <paramref name="expectedVersion"/> (nothing written).</returns>
    Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId, TState state,
        long expectedVersion, CancellationToken cancellationToken);

    /// <returns>false when the stored version is not <paramref name="expectedVersion"/>.</returns>
    Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId, long expectedVersion,
        CancellationToken cancellationToken);
}

/// <summary>Writes one kind of staged record (history row, outbox row, child row) inside a state write's transaction.</summary>
public interface IRecordWriter<in TRecord> where TRecord : class
{
    Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId, TRecord record,
        CancellationToken cancellationToken);
}
