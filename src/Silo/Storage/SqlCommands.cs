using System.Data.Common;
using ECommerce.Grains.Abstractions.Commerce;
using Npgsql;

namespace ECommerce.Silo.Storage;

/// <summary>The little ADO.NET the product's own tables (outbox, deliveries, offsets) share. Values bind the same way on SQLite and PostgreSQL except a
/// uuid, and timestamps are always bound in UTC (timestamptz refuses other offsets).</summary>
internal static class SqlCommands
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
}
