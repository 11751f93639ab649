using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

/// <summary>How <see cref="SqlGrainStorage"/> reaches one state type: through its mapped table or the JSON table.</summary>
internal interface IStateStore<TState> where TState : class
{
    Task<StoredState<TState>?> ReadAsync(DbConnection connection, GrainId grainId, string stateName, CancellationToken cancellationToken);

    Task<bool> WriteAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName, TState state, long expectedVersion,
        CancellationToken cancellationToken);

    Task<bool> ClearAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName, long expectedVersion,
        CancellationToken cancellationToken);
}

/// <summary>A registered <see cref="IStateTable{TState}"/>; the table holds one state per grain, so the name is unused.</summary>
internal sealed class MappedStateStore<TState>(IStateTable<TState> table) : IStateStore<TState> where TState : class
{
    public Task<StoredState<TState>?> ReadAsync(DbConnection connection, GrainId grainId, string stateName,
        CancellationToken cancellationToken) => table.ReadAsync(connection, grainId, cancellationToken);

    public Task<bool> WriteAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName, TState state,
        long expectedVersion, CancellationToken cancellationToken) =>
        table.WriteAsync(transaction.Connection, transaction.Transaction, grainId, state, expectedVersion, cancellationToken);

    public Task<bool> ClearAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName, long expectedVersion,
        CancellationToken cancellationToken) =>
        table.ClearAsync(transaction.Connection, transaction.Transaction, grainId, expectedVersion, cancellationToken);
}

/// <summary>The generic <c>grain_state</c> table: one JSON payload per (grain type, key, state name).</summary>
internal sealed class JsonStateStore<TState>(SqlDatabase database, TimeProvider timeProvider) : IStateStore<TState>
    where TState : class
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public async Task<StoredState<TState>?> ReadAsync(DbConnection connection, GrainId grainId, string stateName,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT payload, version FROM grain_state
            WHERE grain_type = @grain_type AND grain_key = @grain_key AND state_name = @state_name
            """;
        AddKey(command, grainId, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var state = JsonSerializer.Deserialize<TState>(reader.GetString(0), JsonOptions)
            ?? throw new InvalidOperationException($"grain_state of {grainId} ({stateName}) holds a JSON null.");
        return new StoredState<TState>(state, reader.GetInt64(1));
    }

    public async Task<bool> WriteAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName, TState state,
        long expectedVersion, CancellationToken cancellationToken)
    {
        // An insert that meets an existing row does nothing, so zero rows affected is a conflict either way.
        await using var command = transaction.CreateCommand(expectedVersion == 0
            ? """
              INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, updated_at)
              VALUES (@grain_type, @grain_key, @state_name, @payload, 1, @updated_at)
              ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
              """
            : """
              UPDATE grain_state SET payload = @payload, version = @version + 1, updated_at = @updated_at
              WHERE grain_type = @grain_type AND grain_key = @grain_key AND state_name = @state_name AND version = @version
              """);
        AddKey(command, grainId, stateName);
        command.Parameters.Add(database.CreateJsonParameter("@payload", JsonSerializer.Serialize(state, JsonOptions)));
        command.WithParameter("@version", expectedVersion).WithParameter("@updated_at", timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ClearAsync(SqlWriteTransaction transaction, GrainId grainId, string stateName,
        long expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion == 0)
        {
            await using var exists = transaction.CreateCommand("""
                SELECT COUNT(*) FROM grain_state
                WHERE grain_type = @grain_type AND grain_key = @grain_key AND state_name = @state_name
                """);
            AddKey(exists, grainId, stateName);
            return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0;
        }

        await using var command = transaction.CreateCommand("""
            DELETE FROM grain_state
            WHERE grain_type = @grain_type AND grain_key = @grain_key AND state_name = @state_name AND version = @version
            """);
        AddKey(command, grainId, stateName);
        command.WithParameter("@version", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void AddKey(DbCommand command, GrainId grainId, string stateName) =>
        command.WithParameter("@grain_type", grainId.Type)
            .WithParameter("@grain_key", grainId.Key)
            .WithParameter("@state_name", stateName);
}
