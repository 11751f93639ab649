using MySqlConnector;

namespace ECommerce.Tests.Support;

/// <summary>A fresh database on the ECOMMERCE_TEST_MYSQL server; dropped on dispose.</summary>
internal sealed class MySqlTestDatabaseScope : IAsyncDisposable
{
    private MySqlTestDatabaseScope(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connects to the server of ECOMMERCE_TEST_MYSQL with this database as the default one.</summary>
    public string ConnectionString { get; }

    public static async Task<MySqlTestDatabaseScope> CreateAsync(string prefix)
    {
        var server = MySqlEnvironment.ConnectionString
            ?? throw new InvalidOperationException($"{MySqlEnvironment.Variable} is not set.");
        // MySQL names are at most 64 characters.
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..24];
        await ExecuteAsync(server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new MySqlTestDatabaseScope(name, new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await ExecuteAsync(MySqlEnvironment.ConnectionString!, $"DROP DATABASE IF EXISTS `{Name}`");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
