namespace ECommerce.Grains;

/// <summary>The Orleans grain storage provider the commerce grains persist their state with.</summary>
public static class GrainStorage
{
    public const string Name = "commerce";
}
