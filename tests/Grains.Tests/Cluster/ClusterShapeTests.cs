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

        var all = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        Assert.True(CommerceCluster.SiloCount == hosts.Count, string.Join(", ", all.Select(h => $"{h.Key}={h.Value}")));
        // Orleans's default placement weighs each silo's load, so a busy machine may leave one silo out; what matters
        // is that grains of one kind live on different silos.
        Assert.True(await grains.SilosHostingAsync(users) > 1, "all 30 users were placed on one silo");
    }
}
