using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The API in-process over one fresh database per test class, without demo data.</summary>
public abstract class ApiFactory(TestDatabase database, TimeSpan paymentTimeout)
    : WebApplicationFactory<Program>, IAsyncLifetime
{
    private IReadOnlyDictionary<string, string?> _databaseSettings = new Dictionary<string, string?>();

    /// <summary>Settings of the database, for a second process over the same data.</summary>
    public IReadOnlyDictionary<string, string?> DatabaseSettings => _databaseSettings;

    /// <summary>The accounts of this API's database.</summary>
    public TestAccounts Accounts { get; } = new();

    public ApiClient CreateApi() => new(CreateClient(), Accounts);

    public async Task InitializeAsync()
    {
        // A missing PostgreSQL is reported by the StorageFact discoverer (skip or fail), not by the fixture.
        if (database.IsAvailable)
        {
            _databaseSettings = await database.CreateAsync();
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(_databaseSettings.Concat(TestAccounts.Settings))
        {
            ["DemoData:Enabled"] = "false",
            ["Orders:PaymentTimeout"] = paymentTimeout.ToString("c"),
            // Several APIs run at once in one test run: each silo takes free ports.
            ["Cluster:SiloPort"] = "0",
            ["Cluster:GatewayPort"] = "0",
        };
        // UseSetting, not ConfigureAppConfiguration: Program.cs reads the storage and cluster settings while it builds
        // the silo, before later configuration sources are added.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        // Production, as deployed: Swagger UI and error answers must not depend on the Development environment.
        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}

public sealed class SqliteApi() : ApiFactory(new SqliteTestDatabase(), TimeSpan.FromMinutes(10));

public sealed class PostgresApi() : ApiFactory(new PostgresTestDatabase(), TimeSpan.FromMinutes(10));

public sealed class MySqlApi() : ApiFactory(new MySqlTestDatabase(), TimeSpan.FromMinutes(10));

/// <summary>Orders expire two seconds after creation.</summary>
public sealed class SqliteApiWithShortPaymentTimeout() : ApiFactory(new SqliteTestDatabase(), TimeSpan.FromSeconds(2));

/// <summary>Orders expire two seconds after creation.</summary>
public sealed class PostgresApiWithShortPaymentTimeout() : ApiFactory(new PostgresTestDatabase(), TimeSpan.FromSeconds(2));

/// <summary>Orders expire two seconds after creation.</summary>
public sealed class MySqlApiWithShortPaymentTimeout() : ApiFactory(new MySqlTestDatabase(), TimeSpan.FromSeconds(2));
