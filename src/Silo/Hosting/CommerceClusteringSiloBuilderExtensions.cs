using System.Net;
using System.Net.Sockets;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace ECommerce.Silo.Hosting;

public static class CommerceClusteringSiloBuilderExtensions
{
    /// <summary>How this node joins its cluster (section <see cref="CommerceClusterOptions.Section"/>): localhost
    /// clustering, or a membership table shared by several nodes (in Redis, or in the PostgreSQL or MySQL database of the
    /// storage), with this node's ports, cluster id and service id. A shared table also gets the membership timing of
    /// <see cref="ConfigureFastFailureDetection"/>.</summary>
    public static ISiloBuilder UseCommerceClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(CommerceClusterOptions.Section).Get<CommerceClusterOptions>()
            ?? new CommerceClusterOptions();
        var siloPort = PortOrFree(cluster.SiloPort);
        var gatewayPort = PortOrFree(cluster.GatewayPort);
        if (cluster.Provider == ClusterProvider.Localhost)
        {
            return silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.SiloPort = siloPort;
            endpoints.GatewayPort = gatewayPort;
            if (cluster.AdvertisedAddress is { Length: > 0 } advertised)
            {
                endpoints.AdvertisedIPAddress = Resolve(advertised);
            }

            // Listen on every interface: the advertised address may be a container's or a NAT's.
            endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, gatewayPort);
        });
        silo.ConfigureFastFailureDetection(configuration);

        if (cluster.Provider == ClusterProvider.AdoNet)
        {
            var (invariant, connectionString) = MembershipDatabase(configuration);
            return silo.UseAdoNetClustering(options =>
            {
                options.Invariant = invariant;
                options.ConnectionString = connectionString;
            });
        }

        var redis = RedisConfiguration(configuration, "Cluster:Provider is Redis");
        return silo.UseRedisClustering(options => options.ConfigurationOptions = redis);
    }

    /// <summary>The storage database, which holds the membership tables too; SQLite is one machine's file, so it is not a
    /// membership table for a cluster.</summary>
    private static (string Invariant, string ConnectionString) MembershipDatabase(IConfiguration configuration)
    {
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(storage);
        if (storage.Provider == StorageProvider.Sqlite)
        {
            throw new InvalidOperationException(
                "Cluster:Provider is AdoNet but Storage:Provider is Sqlite: AdoNet membership needs Postgres or MySql.");
        }

        return CommerceStorageSiloBuilderExtensions.ResolveDatabase(storage, configuration);
    }

    /// <summary>Membership timing for a shared table (section <c>Cluster:Membership</c>, Orleans's
    /// <see cref="ClusterMembershipOptions"/>, overridable key by key). Orleans's defaults took about 14 s to declare a
    /// node killed with kill -9 dead (3 missed probes of 5 s; 11.6 s measured in docs/BENCHMARKS.md); with these the
    /// survivors answered again after 0.55 to 1.74 s.
    /// Why that is safe: a death needs <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> (2) silos to
    /// each miss <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> (2) probes in a row, a prober that is itself
    /// slow (CPU starvation, GC) stretches its own timeouts (ExtendProbeTimeoutDuringDegradation), a connection that
    /// still carries messages suppresses the vote (EnableConnectionLivenessCheck), and a suspect is also probed through
    /// another silo (EnableIndirectProbes). A node declared dead by mistake stops and is restarted; it costs
    /// availability, never data: a grain is active on one node (the directory), and a stale activation's write is
    /// refused by its version (ETag).</summary>
    public static ISiloBuilder ConfigureFastFailureDetection(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 2;
                membership.NumVotesForDeathDeclaration = 2;
                // A vote older than this no longer counts towards a death; long enough for the second voter.
                membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
                // Gossip spreads a change at once; the periodic read is only the fallback.
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            })
            .BindConfiguration(CommerceClusterOptions.Section + ":Membership");
        return silo;
    }

    /// <summary>StackExchange.Redis options from <c>ConnectionStrings:Redis</c> (e.g. <c>127.0.0.1:6379</c>).</summary>
    internal static ConfigurationOptions RedisConfiguration(IConfiguration configuration, string whoNeedsIt) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } redis
            ? ConfigurationOptions.Parse(redis)
            : throw new InvalidOperationException($"{whoNeedsIt} but ConnectionStrings:Redis is not set.");

    private static IPAddress Resolve(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"Cluster:AdvertisedAddress '{address}' has no IPv4 address.");

    /// <summary>0 asks for any free port, so tests and side-by-side runs on one machine do not collide.</summary>
    private static int PortOrFree(int port)
    {
        if (port != 0)
        {
            return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
