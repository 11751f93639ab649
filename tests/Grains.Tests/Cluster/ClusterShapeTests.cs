using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Runtime;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteClusterShapeTests(SqliteClusterFixture fixture) : ClusterShapeTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresClusterShapeTests(PostgresClusterFixture fixture) : ClusterShapeTests(fixture);

public abstract class ClusterShapeTests(CommerceClusterFixture fixture)
{
    [StorageFact]
    public async Task TheClusterHasThreeActiveSilosAndSpreadsGrainsOverThem()
    {
        var grains = fixture.Grains;
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var users = new List<IAddressable>();
        for (var i = 0; i < 30; i++)
        {
            users.Add(grains.GetGrain<IUserGrain>(await grains.NewUserAsync()));
        }

        Assert.Equal(CommerceCluster.SiloCount, hosts.Count);
        Assert.Equal(CommerceCluster.SiloCount, await grains.SilosHostingAsync(users));
    }
}
