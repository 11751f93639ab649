using ECommerce.Silo.Storage;
using Orleans.TestingHost;

namespace ECommerce.Grains.Tests.Cluster;

/// <summary>One 3-silo cluster on a fresh database, shared by a collection; tests use fresh keys.</summary>
public abstract class CommerceClusterFixture(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>Short, so the expiry test is quick; long enough that every other test pays its orders in time.</summary>
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(4);

    private TestDatabase? _database;
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster was not started.");

    public IGrainFactory Grains => Cluster.GrainFactory;

    protected virtual bool IsAvailable => true;

    public async Task InitializeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }

        _database = await TestDatabase.CreateAsync(provider);
        _cluster = await CommerceCluster.StartAsync(_database.Settings(PaymentTimeout), CommerceCluster.NewServiceId());
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await CommerceCluster.StopAsync(_cluster);
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

public sealed class SqliteClusterFixture() : CommerceClusterFixture(StorageProvider.Sqlite);

public sealed class PostgresClusterFixture() : CommerceClusterFixture(StorageProvider.Postgres)
{
    protected override bool IsAvailable => PostgresEnvironment.ConnectionString is not null;
}

[CollectionDefinition(Name)]
public sealed class SqliteCluster : ICollectionFixture<SqliteClusterFixture>
{
    public const string Name = "SQLite cluster";
}

[CollectionDefinition(Name)]
public sealed class PostgresCluster : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "PostgreSQL cluster";
}
