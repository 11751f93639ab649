namespace ECommerce.Tests.Support;

/// <summary>Where xunit finds the linked StorageFactDiscoverer.</summary>
internal static class TestAssembly
{
    public const string Name = "ECommerce.Grains.Tests";
}
