using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ECommerce.Silo.Tests.Storage;

/// <summary>One migrated database per test class, plus fresh empty ones on request. Tests use fresh grain keys.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];
    private IConfiguration? _configuration;
    private ServiceProvider? _services;

    public IConfiguration Configuration => _configuration ?? throw new InvalidOperationException("Fixture not initialized.");

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Fixture not initialized.");

    protected abstract bool IsAvailable { get; }

    /// <summary>A new, empty database (nothing migrated) and the configuration that selects it.</summary>
    public abstract Task<IConfiguration> CreateDatabaseAsync();

    /// <summary>A separate storage stack (its own connections and caches), as a second runtime instance would have.</summary>
    public IServiceProvider CreateServices(IConfiguration? configuration = null)
    {
        var services = new ServiceCollection()
            .AddSiloStorage(configuration ?? Configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        lock (_providers)
        {
            _providers.Add(services);
        }

        return services;
    }

    public async Task InitializeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }

        _configuration = await CreateDatabaseAsync();
        _services = (ServiceProvider)CreateServices();
        await _services.GetRequiredService<IStorageInitializer>().InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await DropDatabasesAsync();
    }

    protected abstract Task DropDatabasesAsync();
}

public sealed class SqliteStorageFixture : StorageFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ecommerce-storage-tests", Guid.NewGuid().ToString("N"));

    protected override bool IsAvailable => true;

    public override Task<IConfiguration> CreateDatabaseAsync()
    {
        // A nested directory that does not exist yet also proves the provider creates it.
        var file = Path.Combine(_directory, Guid.NewGuid().ToString("N"), "storage.db");
        return Task.FromResult<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Sqlite",
                ["ConnectionStrings:Sqlite"] = $"Data Source={file}",
            })
            .Build());
    }

    protected override Task DropDatabasesAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Each database is a fresh schema on the server from ECOMMERCE_TEST_POSTGRES, dropped at the end.</summary>
public sealed class PostgresStorageFixture : StorageFixture
{
    private readonly List<string> _schemas = [];

    protected override bool IsAvailable => PostgresEnvironment.ConnectionString is not null;

    public override async Task<IConfiguration> CreateDatabaseAsync()
    {
        var server = PostgresEnvironment.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresEnvironment.Variable} is not set.");
        var schema = "storage_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema };
        return new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Postgres"] = builder.ConnectionString,
            })
            .Build();
    }

    protected override async Task DropDatabasesAsync()
    {
        if (_schemas.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresEnvironment.ConnectionString);
        await connection.OpenAsync();
        foreach (var schema in _schemas)
        {
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Each database is a fresh database on the server from ECOMMERCE_TEST_MYSQL, dropped at the end.</summary>
public sealed class MySqlStorageFixture : StorageFixture
{
    private readonly List<MySqlTestDatabaseScope> _databases = [];

    protected override bool IsAvailable => MySqlEnvironment.ConnectionString is not null;

    public override async Task<IConfiguration> CreateDatabaseAsync()
    {
        var database = await MySqlTestDatabaseScope.CreateAsync("storage_test");
        lock (_databases)
        {
            _databases.Add(database);
        }

        return new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "MySql",
                ["ConnectionStrings:MySql"] = database.ConnectionString,
            })
            .Build();
    }

    protected override async Task DropDatabasesAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}
