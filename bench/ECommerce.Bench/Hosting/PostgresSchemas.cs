using Npgsql;

namespace ECommerce.Bench.Hosting;

/// <summary>A fresh schema per started server, so every run starts from empty tables in the same database.</summary>
internal static class PostgresSchemas
{
    public static async Task<string> CreateAsync(string connectionString, string schema, int poolSize, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, MaxPoolSize = poolSize }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString, string schema)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
