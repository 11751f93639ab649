using System.Data.Common;
using ECommerce.Grains.Abstractions.Commerce;
using Npgsql;

namespace ECommerce.Silo.Storage.Commerce;

/// <summary>The little ADO.NET the commerce tables share. Values bind the same way on SQLite and PostgreSQL except a
/// uuid, and timestamps are always bound in UTC (timestamptz refuses other offsets).</summary>
internal static class CommerceSql
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static DbCommand Bind(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value switch
        {
            null => DBNull.Value,
            DateTimeOffset time => time.ToUniversalTime(),
            Guid id when command.Connection is not NpgsqlConnection => id.ToString("D"),
            _ => value,
        };
        command.Parameters.Add(parameter);
        return command;
    }

    public static DbCommand BindWire<TEnum>(this DbCommand command, string name, TEnum value)
        where TEnum : struct, Enum => command.Bind(name, value.ToWire());

    public static async Task<bool> ExecuteOneRowAsync(this DbCommand command, CancellationToken cancellationToken) =>
        await command.ExecuteNonQueryAsync(cancellationToken) == 1;

    public static DateTimeOffset GetTimestamp(this DbDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();

    public static DateTimeOffset? GetNullableTimestamp(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTimestamp(ordinal);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static TEnum GetWire<TEnum>(this DbDataReader reader, int ordinal) where TEnum : struct, Enum =>
        WireNames.FromWire<TEnum>(reader.GetString(ordinal));

    /// <summary>Inserts the root row of a new state or updates it from <paramref name="expectedVersion"/>; the SQL binds
    /// <c>@version</c> to the expected version and stores <c>@version + 1</c>.</summary>
    /// <returns>false when the stored version is not the expected one.</returns>
    public static async Task<bool> WriteVersionedAsync(DbConnection connection, DbTransaction transaction,
        long expectedVersion, string insertSql, string updateSql, Action<DbCommand> bind,
        CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, expectedVersion == 0 ? insertSql : updateSql);
        bind(command);
        command.Bind("@version", expectedVersion);
        return await command.ExecuteOneRowAsync(cancellationToken);
    }

    /// <summary>Commerce grains never clear their state: orders, wallets and coupons are records to keep.</summary>
    public static Task<bool> ClearNotSupported<TState>() =>
        throw new NotSupportedException($"{typeof(TState).Name} is never cleared.");
}
