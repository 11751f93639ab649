using System.Data.Common;
using System.Globalization;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

internal static class TestTables
{
    public const string Create = """
        CREATE TABLE test_notes (grain_key text NOT NULL, text text NOT NULL);
        CREATE TABLE test_counters (id text NOT NULL PRIMARY KEY, value bigint NOT NULL, version bigint NOT NULL);
        """;

    public static async Task<IReadOnlyList<string>> ReadNotesAsync(IServiceProvider services, GrainId grainId)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM test_notes WHERE grain_key = @grain_key ORDER BY text";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@grain_key";
        parameter.Value = grainId.Key;
        command.Parameters.Add(parameter);
        var notes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes.Add(reader.GetString(0));
        }

        return notes;
    }

    public static async Task<long> ScalarAsync(IServiceProvider services, string sql)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    internal static DbCommand Parameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }
}

public sealed record CartLine(long ProductId, int Quantity, decimal UnitPrice);

public sealed record CartState(string Owner, IReadOnlyList<CartLine> Lines, DateTimeOffset? CheckedOutAt);

public sealed record CounterState(long Value);

/// <summary>Stored through <see cref="TableCounterStateTable"/>, not as JSON.</summary>
public sealed record TableCounter(long Value);

public sealed record NoteRecord(string Text);

/// <summary>Its writer inserts a note and then fails, as a broken history or outbox writer would.</summary>
public sealed record PoisonRecord(string Text);

public sealed record UnregisteredRecord(string Text);

public sealed class NoteRecordWriter : IRecordWriter<NoteRecord>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId, NoteRecord record,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO test_notes (grain_key, text) VALUES (@grain_key, @text)";
        command.Parameter("@grain_key", grainId.Key).Parameter("@text", record.Text);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed class PoisonRecordWriter : IRecordWriter<PoisonRecord>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId, PoisonRecord record,
        CancellationToken cancellationToken)
    {
        await new NoteRecordWriter().WriteAsync(connection, transaction, grainId, new NoteRecord(record.Text), cancellationToken);
        throw new PoisonRecordException();
    }
}

public sealed class PoisonRecordException() : Exception("The record writer failed on purpose.");

/// <summary>A mapped table shaped like the ERD ones: a row per grain with a version column. Its insert has no
/// ON CONFLICT on purpose, so a duplicate insert surfaces as a unique violation.</summary>
public sealed class TableCounterStateTable : IStateTable<TableCounter>
{
    public async Task<StoredState<TableCounter>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value, version FROM test_counters WHERE id = @id";
        command.Parameter("@id", grainId.Key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredState<TableCounter>(new TableCounter(reader.GetInt64(0)), reader.GetInt64(1))
            : null;
    }

    public async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        TableCounter state, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = expectedVersion == 0
            ? "INSERT INTO test_counters (id, value, version) VALUES (@id, @value, 1)"
            : "UPDATE test_counters SET value = @value, version = version + 1 WHERE id = @id AND version = @version";
        command.Parameter("@id", grainId.Key).Parameter("@value", state.Value).Parameter("@version", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM test_counters WHERE id = @id AND version = @version";
        command.Parameter("@id", grainId.Key).Parameter("@version", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
