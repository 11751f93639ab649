namespace ECommerce.Silo.Hosting;

/// <summary>How nodes find each other (<c>Cluster:Provider</c>).</summary>
public enum ClusterProvider
{
    /// <summary>One node on this machine; no membership table.</summary>
    Localhost,

    /// <summary>Membership in Redis (Microsoft.Orleans.Clustering.Redis, <c>ConnectionStrings:Redis</c>).</summary>
    Redis,

    /// <summary>Membership in the PostgreSQL or MySQL database of <c>Storage:Provider</c>
    /// (Microsoft.Orleans.Clustering.AdoNet, with the project's own tables and queries, migration 0008).</summary>
    AdoNet,
}

/// <summary>Section <see cref="Section"/>: how this node joins its cluster. One node on localhost by default.</summary>
public sealed class CommerceClusterOptions
{
    public const string Section = "Cluster";

    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    /// <summary>Silo-to-silo port; 0 takes any free port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients outside the silo; 0 takes any free port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Nodes with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "ecommerce";

    /// <summary>Part of every stored grain state's and reminder's key: keep it across deployments, or the data is not found.</summary>
    public string ServiceId { get; set; } = "ecommerce";

    /// <summary>The address other nodes reach this one at (an IP address or a host name resolved at start); unset, Orleans
    /// takes this machine's first non-loopback address. Not used by <see cref="ClusterProvider.Localhost"/>.</summary>
    public string? AdvertisedAddress { get; set; }
}
