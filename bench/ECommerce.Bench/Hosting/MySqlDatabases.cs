using MySqlConnector;

namespace ECommerce.Bench.Hosting;

/// <summary>A fresh MySQL database per started server, so every run starts from empty tables on the same server.</summary>
internal static class MySqlDatabases
{
    public static async Task<string> CreateAsync(string connectionString, string database, int poolSize, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connectionString,
            $"DROP DATABASE IF EXISTS `{database}`; CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;",
            cancellationToken).ConfigureAwait(false);
        return new MySqlConnectionStringBuilder(connectionString) { Database = database, MaximumPoolSize = (uint)poolSize }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString, string database)
    {
        MySqlConnection.ClearAllPools();
        await ExecuteAsync(connectionString, $"DROP DATABASE IF EXISTS `{database}`;", CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
