using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ECommerce.Api.Tests.Cluster;

/// <summary>Several API processes forming one Orleans cluster over one database, with their membership in Redis or in
/// that database (AdoNet), each with its own HTTP port (port 0, read from its log) and silo and gateway ports (free
/// ports), plus an Orleans client of the same cluster, used only to ask where a grain is active.</summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    // Membership views converge through the table's refresh; generous for a loaded CI machine.
    private static readonly TimeSpan ActiveLimit = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _workingDirectory;
    private readonly ApiProcess?[] _processes;
    private readonly int[] _siloPorts;
    private readonly TestAccounts _accounts = new();
    private IHost? _client;

    private ClusterNodes(IReadOnlyDictionary<string, string?> settings, string workingDirectory, int count)
    {
        _settings = settings;
        _workingDirectory = workingDirectory;
        _processes = new ApiProcess?[count];
        _siloPorts = new int[count];
    }

    public string ClusterId => _settings["Cluster:ClusterId"]!;

    public int Count => _processes.Length;

    public ApiProcess this[int node] => _processes[node] ?? throw new InvalidOperationException($"Node {node} is not running.");

    /// <summary>Starts <paramref name="count"/> nodes at once over <paramref name="databaseSettings"/>, with their
    /// membership in the Redis of ECOMMERCE_TEST_REDIS or in the database, in a cluster of their own (a fresh cluster
    /// and service id).</summary>
    public static async Task<ClusterNodes> StartAsync(IReadOnlyDictionary<string, string?> databaseSettings,
        ClusterProvider membership, IReadOnlyDictionary<string, string?> extraSettings, string workingDirectory, int count)
    {
        var id = "test-" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>(databaseSettings)
        {
            ["Cluster:Provider"] = membership.ToString(),
            ["Cluster:ClusterId"] = id,
            ["Cluster:ServiceId"] = id,
            ["Cluster:AdvertisedAddress"] = "127.0.0.1",
            // Joins, status changes and death votes, for the output a failed test shows.
            ["Logging:LogLevel:Orleans.Runtime.MembershipService"] = "Information",
        };
        if (membership == ClusterProvider.Redis)
        {
            settings["ConnectionStrings:Redis"] = RedisEnvironment.ConnectionString;
        }
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        var nodes = new ClusterNodes(settings, workingDirectory, count);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(nodes.StartNodeAsync));
            await nodes.ConnectClientAsync();

            // A node answers HTTP once its own silo is active; the silo the client asks may read the membership
            // table a moment later (seen in CI: 2 of 3 counted right after all three had answered).
            await nodes.WaitForActiveSilosAsync(count);
        }
        catch (Exception error)
        {
            var logs = string.Concat(Enumerable.Range(0, count).Select(n => $"\n--- node {n}\n{nodes.RecentOutput(n)}"));
            await nodes.DisposeAsync();
            throw new InvalidOperationException($"The cluster did not start: {error.Message}{logs}", error);
        }

        return nodes;
    }

    /// <summary>Starts node <paramref name="node"/> (again, after a kill) on fresh silo and gateway ports (<see cref="FreePorts"/>) and waits until it answers; its HTTP port is its own (port 0).</summary>
    public async Task StartNodeAsync(int node)
    {
        _siloPorts[node] = FreePorts.Next();
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["Cluster:SiloPort"] = _siloPorts[node].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (_processes[node] is { } dead)
        {
            await dead.DisposeAsync();
        }

        _processes[node] = null;
        _processes[node] = await ApiProcess.StartAsync(settings, _workingDirectory, _accounts);
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill(int node) => this[node].Kill();

    /// <summary>The node a grain is active on now, or null when it has no activation (or its node is gone).</summary>
    public async Task<int?> NodeOfAsync(IAddressable grain)
    {
        var address = await Management.GetActivationAddress(grain);
        var port = address?.Endpoint.Port;
        var node = Array.IndexOf(_siloPorts, port ?? -1);
        return node < 0 ? null : node;
    }

    /// <summary>How many silos the cluster counts as active.</summary>
    public async Task<int> ActiveSilosAsync() => (await Management.GetHosts(onlyActive: true)).Count;

    /// <summary>Waits until the cluster counts exactly <paramref name="count"/> active silos.</summary>
    public Task WaitForActiveSilosAsync(int count) =>
        Eventually.WaitAsync(ActiveSilosAsync, active => active == count, ActiveLimit, $"{count} active silos");

    public IGrainFactory Grains => Client.Services.GetRequiredService<IGrainFactory>();

    public string RecentOutput(int node) => _processes[node]?.RecentOutput ?? string.Empty;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _client.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // A client of a cluster that is being torn down may not say goodbye in time; the processes go anyway.
            }

            _client.Dispose();
        }

        foreach (var process in _processes)
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    private IHost Client => _client ?? throw new InvalidOperationException("The client is not connected.");

    private IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    private async Task ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        // The nodes' logs tell what happened; the client's connection chatter about the killed node would drown them.
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (_settings["Cluster:Provider"] == nameof(ClusterProvider.AdoNet))
            {
                // The gateways come from the membership table in the database, through the project's GatewaysQueryKey.
                var mySql = _settings["Storage:Provider"] == "MySql";
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = mySql
                        ? CommerceStorageSiloBuilderExtensions.MySqlInvariant
                        : CommerceStorageSiloBuilderExtensions.PostgresInvariant;
                    options.ConnectionString = _settings[mySql ? "ConnectionStrings:MySql" : "ConnectionStrings:Postgres"];
                });
            }
            else
            {
                client.UseRedisClustering(RedisEnvironment.ConnectionString!);
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = ClusterId;
            });
        });
        _client = builder.Build();
        await _client.StartAsync();
    }
}
