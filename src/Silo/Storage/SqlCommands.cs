using System.Data.Common;
using Npgsql;

namespace ECommerce.Silo.Storage;

/// <summary>The little ADO.NET the product's own tables (data platform deliveries, dead letters) share. Values bind the same way on SQLite and PostgreSQL except a
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

    public static DateTimeOffset GetTimestamp(this DbDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();

    public static DateTimeOffset? GetNullableTimestamp(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTimestamp(ordinal);

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
