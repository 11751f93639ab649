using ECommerce.Grains.Tests.GroupCommit;
using ECommerce.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ECommerce.Grains.Tests.Cluster;

/// <summary>Starts in-process test clusters whose silos run the product's wiring over the database the settings name.
/// A cluster started later with the same settings and service id reads what an earlier one stored.</summary>
public static class CommerceCluster
{
    public const short SiloCount = 3;

    public static async Task<TestCluster> StartAsync(IReadOnlyDictionary<string, string?> settings, string serviceId)
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        foreach (var (key, value) in settings)
        {
            // Reaches every silo's host configuration, which the configurator hands to the product's wiring.
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            await WaitForAllSilosAsync(cluster);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A silo may join the membership after DeployAsync returns; placement only uses silos it knows, so the
    /// tests that check grains are spread start once every silo is active.</summary>
    private static async Task WaitForAllSilosAsync(TestCluster cluster)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await management.GetHosts(onlyActive: true)).Count < SiloCount)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Fewer than {SiloCount} silos were active 30 s after the cluster started.");
            }

            // Pacing between membership reads; the read above is the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    public static string NewServiceId() => "grains-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>What a grain's state is in storage now, read past every activation's memory.</summary>
    public static async Task<TState> StoredStateAsync<TState>(this TestCluster cluster, string stateName, IAddressable grain)
    {
        var silo = (InProcessSiloHandle)(cluster.Primary ?? throw new InvalidOperationException("The cluster has no silo."));
        var storage = silo.ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var state = new GrainState<TState>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.State ?? throw new InvalidOperationException($"No {stateName} state for {grain.GetGrainId()}.");
    }

    /// <summary>Writes a grain's state straight to storage (e.g. as an older version stored it), before its activation.</summary>
    public static async Task WriteStoredStateAsync<TState>(this TestCluster cluster, string stateName, IAddressable grain, TState value)
    {
        var silo = (InProcessSiloHandle)(cluster.Primary ?? throw new InvalidOperationException("The cluster has no silo."));
        var storage = silo.ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var state = new GrainState<TState>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        state.State = value;
        await storage.WriteStateAsync(stateName, grain.GetGrainId(), state);
    }

    /// <summary>The production silo minus its clustering, which the test cluster brings (ports, membership, ids);
    /// plus the test storage the group-commit probe writes to.</summary>
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddCommerceServices(siloBuilder.Configuration);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ControlledStorage.Name, ControlledStorage.Shared);
            // Several 3-silo clusters share two cores during a test run; a silo starved of CPU for a few seconds must
            // not be voted dead, or placement and every count after it would depend on the machine's load.
            siloBuilder.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(30);
                membership.NumMissedProbesLimit = 10;
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
        }
    }
}
