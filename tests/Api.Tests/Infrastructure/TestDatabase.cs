using Microsoft.Data.Sqlite;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>One empty database for one test class; <see cref="CreateAsync"/> returns the settings that select it.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract bool IsAvailable { get; }

    public abstract Task<IReadOnlyDictionary<string, string?>> CreateAsync();

    public abstract ValueTask DisposeAsync();
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ecommerce-api-tests", Guid.NewGuid().ToString("N"));

    public override bool IsAvailable => true;

    public override Task<IReadOnlyDictionary<string, string?>> CreateAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_directory, "api.db")}",
        });

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : TestDatabase
{
    private PostgresSchema? _schema;

    public override bool IsAvailable => PostgresEnvironment.ConnectionString is not null;

    public override async Task<IReadOnlyDictionary<string, string?>> CreateAsync()
    {
        _schema = await PostgresSchema.CreateAsync("api_test");
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = _schema.ConnectionString,
        };
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _schema, null) is { } schema)
        {
            await schema.DisposeAsync();
        }
    }
}

public sealed class MySqlTestDatabase : TestDatabase
{
    private MySqlTestDatabaseScope? _database;

    public override bool IsAvailable => MySqlEnvironment.ConnectionString is not null;

    public override async Task<IReadOnlyDictionary<string, string?>> CreateAsync()
    {
        _database = await MySqlTestDatabaseScope.CreateAsync("api_test");
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "MySql",
            ["ConnectionStrings:MySql"] = _database.ConnectionString,
        };
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _database, null) is { } database)
        {
            await database.DisposeAsync();
        }
    }
}
