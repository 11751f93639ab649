using ECommerce.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ECommerce.Silo.Tests.Orleans;

public sealed class CommerceClusteringConfigurationTests
{
    [Fact]
    public void RedisClusteringWithoutAConnectionStringIsAnErrorNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Cluster:Provider"] = "Redis" }));
        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisRemindersWithoutAConnectionStringIsAnErrorNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Reminders:Provider"] = "Redis" }));
        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdoNetMembershipOnSqliteIsAnErrorNamingBothKeys()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Cluster:Provider"] = "AdoNet" }));
        Assert.Contains("Storage:Provider is Sqlite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASharedMembershipTableDetectsADeadNodeFastAndEachValueCanBeOverridden()
    {
        using var host = Build(new()
        {
            ["Cluster:Provider"] = "Redis",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1",
            ["Cluster:Membership:NumMissedProbesLimit"] = "3",
        });
        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(2, membership.NumVotesForDeathDeclaration);
    }

    [Fact]
    public void EachNodeTakesItsPortsAndAdvertisedAddressFromConfiguration()
    {
        using var host = Build(new()
        {
            ["Cluster:Provider"] = "Redis",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1",
            ["Cluster:SiloPort"] = "21111",
            ["Cluster:GatewayPort"] = "31111",
            ["Cluster:AdvertisedAddress"] = "127.0.0.2",
            ["Cluster:ClusterId"] = "shop",
        });
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;

        Assert.Equal((21111, 31111, "127.0.0.2"), (endpoints.SiloPort, endpoints.GatewayPort, endpoints.AdvertisedIPAddress.ToString()));
        Assert.Equal("shop", cluster.ClusterId);
    }

    [Fact]
    public void LocalhostKeepsOrleansMembershipDefaults()
    {
        using var host = Build(new() { ["Cluster:SiloPort"] = "0", ["Cluster:GatewayPort"] = "0" });

        Assert.Equal(TimeSpan.FromSeconds(5),
            host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.ProbeTimeout);
    }

    // Built, never started: nothing connects to Redis or a database.
    private static IHost Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Storage:Provider", "Sqlite");
        settings.TryAdd("ConnectionStrings:Sqlite", "Data Source=:memory:");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        var configuration = builder.Configuration;
        builder.UseOrleans(silo => silo.AddCommerceSilo(configuration));
        return builder.Build();
    }
}
