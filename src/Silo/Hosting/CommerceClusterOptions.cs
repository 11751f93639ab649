namespace ECommerce.Silo.Hosting;

/// <summary>Section <see cref="Section"/>: how this node joins its cluster. One node on localhost by default.</summary>
public sealed class CommerceClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Silo-to-silo port; 0 takes any free port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients outside the silo; 0 takes any free port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Nodes with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "ecommerce";

    /// <summary>Part of every stored grain state's and reminder's key: keep it across deployments, or the data is not found.</summary>
    public string ServiceId { get; set; } = "ecommerce";
}
