using System.Data.Common;
using System.Globalization;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo;
using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ECommerce.Grains.Tests.Silo;

/// <summary>A clock the test moves by hand; timers and timeouts still run on real time.</summary>
public sealed class ManualClock : TimeProvider
{
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>One migrated SQLite database, and one PostgreSQL schema when ECOMMERCE_TEST_POSTGRES is set, shared by a
/// test class; every test uses fresh ids, and a "restart" is a second host over the same database.</summary>
public sealed class CommerceDatabases : IAsyncLifetime
{
    public const string PostgresVariable = "ECOMMERCE_TEST_POSTGRES";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ecommerce-grain-tests", Guid.NewGuid().ToString("N"));
    private readonly string _schema = "grain_test_" + Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, Dictionary<string, string?>> _settings = [];

    private static string? PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>SQLite always; PostgreSQL when configured, and always under CI, so a missing server fails there.</summary>
    public static TheoryData<string> Providers()
    {
        var providers = new TheoryData<string> { "Sqlite" };
        if (PostgresServer is not null
            || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            providers.Add("Postgres");
        }

        return providers;
    }

    public async Task InitializeAsync()
    {
        _settings["Sqlite"] = new()
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_directory, "commerce.db")}",
        };
        if (PostgresServer is { } server)
        {
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
                await command.ExecuteNonQueryAsync();
            }

            _settings["Postgres"] = new()
            {
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(server) { SearchPath = _schema }.ConnectionString,
            };
        }
    }

    public Task<CommerceHost> StartAsync(string provider, ManualClock clock) =>
        CommerceHost.StartAsync(_settings.TryGetValue(provider, out var settings)
            ? settings
            : throw new InvalidOperationException($"{provider} is not configured; set {PostgresVariable}."), clock);

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        if (PostgresServer is { } server)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The commerce grains hosted as the application hosts them, over real SQL storage.</summary>
public sealed class CommerceHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CommerceHost(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    public static async Task<CommerceHost> StartAsync(IReadOnlyDictionary<string, string?> storage, ManualClock clock)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(storage);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:ReminderPollInterval"] = "00:00:00.050",
            ["Silo:CollectionInterval"] = "01:00:00",
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSiloStorage(builder.Configuration).AddCommerceStorage().AddCommerceGrains();
        builder.Services.AddSilo(builder.Configuration, typeof(UserGrain).Assembly);
        var host = builder.Build();
        await host.Services.GetRequiredService<IStorageInitializer>().InitializeAsync(CancellationToken.None);
        await host.StartAsync();
        return new CommerceHost(host);
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        Convert.ToInt64(await RunAsync(sql, parameters, c => c.ExecuteScalarAsync()), CultureInfo.InvariantCulture);

    public Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        RunAsync(sql, parameters, c => c.ExecuteNonQueryAsync());

    private async Task<T> RunAsync<T>(string sql, (string Name, object Value)[] parameters, Func<DbCommand, Task<T>> run)
    {
        await using var connection = await _host.Services.GetRequiredService<SqlDatabase>()
            .OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return await run(command);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
