using ECommerce.Silo.Hosting;
using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using MySqlConnector;
using Npgsql;

namespace ECommerce.Silo.Tests.Orleans;

public sealed class CommerceStorageConfigurationTests
{
    [Theory]
    [InlineData("Host=db;Username=u;Password=p", 20)]
    [InlineData("Host=db;Username=u;Password=p;Maximum Pool Size=7", 7)]
    [InlineData("Host=db;Username=u;Password=p;MaxPoolSize=100", 100)]
    public void PostgresPoolIsBoundedUnlessTheConnectionStringSetsABound(string connectionString, int expected)
    {
        var (invariant, resolved) = Resolve("Postgres", "Postgres", connectionString);

        Assert.Equal("Npgsql", invariant);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(resolved).MaxPoolSize);
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(resolved).Host);
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=p", 32, true)]
    [InlineData("Host=db;Username=u;Password=p;Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("Host=db;Username=u;Password=p;MaxAutoPrepare=5", 5, true)]
    public void PostgresKeepsPreparedStatementsAcrossPoolReturnsUnlessTheConnectionStringSaysOtherwise(string connectionString,
        int maxAutoPrepare, bool noResetOnClose)
    {
        var (_, resolved) = Resolve("Postgres", "Postgres", connectionString);

        var builder = new NpgsqlConnectionStringBuilder(resolved);
        Assert.Equal((maxAutoPrepare, noResetOnClose), (builder.MaxAutoPrepare, builder.NoResetOnClose));
    }

    [Theory]
    [InlineData("Server=db;User ID=u;Password=p", 20)]
    [InlineData("Server=db;User ID=u;Password=p;Maximum Pool Size=7", 7)]
    [InlineData("Server=db;User ID=u;Password=p;MaxPoolSize=100", 100)]
    public void MySqlIsOpenedUnderTheInvariantOrleansKnowsWithAffectedRowsUtcTimesAndABoundedPool(string connectionString, int expected)
    {
        var (invariant, resolved) = Resolve("MySql", "MySql", connectionString);

        Assert.Equal("MySql.Data.MySqlConnector", invariant);
        var builder = new MySqlConnectionStringBuilder(resolved);
        Assert.Equal(expected, (int)builder.MaximumPoolSize);
        Assert.True(builder.UseAffectedRows);
        Assert.Equal(MySqlDateTimeKind.Utc, builder.DateTimeKind);
        Assert.Equal("db", builder.Server);
    }

    [Theory]
    [InlineData("Data Source=x.db", 10)]
    [InlineData("Data Source=x.db;Default Timeout=3", 3)]
    public void SqliteWaitsForBusyWritersUpToTheBusyTimeout(string connectionString, int expectedSeconds)
    {
        var (invariant, resolved) = Resolve("Sqlite", "Sqlite", connectionString);

        Assert.Equal("System.Data.SQLite", invariant);
        Assert.Equal(expectedSeconds, new SqliteConnectionStringBuilder(resolved).DefaultTimeout);
        Assert.Equal("x.db", new SqliteConnectionStringBuilder(resolved).DataSource);
    }

    [Fact]
    public void SqliteIsTheDefaultWithTheDefaultFile()
    {
        var (invariant, resolved) = CommerceStorageSiloBuilderExtensions.ResolveDatabase(
            new StorageOptions(), new ConfigurationBuilder().Build());

        Assert.Equal("System.Data.SQLite", invariant);
        Assert.Equal("data/ecommerce.db", new SqliteConnectionStringBuilder(resolved).DataSource);
    }

    [Fact]
    public void PostgresWithoutAConnectionStringIsAnError()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            CommerceStorageSiloBuilderExtensions.ResolveDatabase(
                new StorageOptions { Provider = StorageProvider.Postgres }, new ConfigurationBuilder().Build()));
        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    private static (string Invariant, string ConnectionString) Resolve(string provider, string name, string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = provider,
                ["ConnectionStrings:" + name] = connectionString,
            })
            .Build();
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(options);
        return CommerceStorageSiloBuilderExtensions.ResolveDatabase(options, configuration);
    }
}
