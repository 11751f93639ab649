using Npgsql;

namespace ECommerce.Tests.Support;

/// <summary>A fresh schema on the ECOMMERCE_TEST_POSTGRES server, selected through SearchPath; dropped on dispose.</summary>
internal sealed class PostgresSchema : IAsyncDisposable
{
    private PostgresSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connects to the server of ECOMMERCE_TEST_POSTGRES with this schema as the search path.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresSchema> CreateAsync(string prefix)
    {
        var server = PostgresEnvironment.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresEnvironment.Variable} is not set.");
        var name = prefix + "_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE SCHEMA {name}");
        return new PostgresSchema(name, new NpgsqlConnectionStringBuilder(server) { SearchPath = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(PostgresEnvironment.ConnectionString!, $"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
