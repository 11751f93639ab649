using ECommerce.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ECommerce.Silo.Tests.Orleans;

/// <summary>A one-silo Orleans test cluster on the database <c>database</c> selects (Storage:Provider and its connection
/// string), wired by <see cref="CommerceStorageSiloBuilderExtensions.AddCommerceStorage"/>. A fixed service id lets a
/// second cluster on the same database see the first one's state and reminders.</summary>
internal static class CommerceTestCluster
{
    public static async Task<TestCluster> StartAsync(IConfiguration database, string serviceId)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = serviceId;
        foreach (var (key, value) in database.AsEnumerable())
        {
            if (value is not null)
            {
                builder.Properties[key] = value;
            }
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    public static IServiceProvider SiloServices(TestCluster cluster) => ((InProcessSiloHandle)(cluster.Primary ?? throw new InvalidOperationException("The cluster has no silo."))).ServiceProvider;

    public static string NewServiceId() => "svc-" + Guid.NewGuid().ToString("N")[..12];

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // Only what the test cluster passed on (builder.Properties), as an application would pass its own.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(siloBuilder.Configuration.AsEnumerable()
                    .Where(pair => pair.Key.StartsWith("Storage:", StringComparison.Ordinal)
                        || pair.Key.StartsWith("Reminders:", StringComparison.Ordinal)
                        || pair.Key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)))
                .Build();
            siloBuilder.AddCommerceStorage(configuration);
            siloBuilder.Services.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}
