namespace ECommerce.Grains;

/// <summary>The name every <c>[PersistentState]</c> of the product stores under; the silo registers Orleans's ADO.NET
/// grain storage with it.</summary>
public static class GrainStorage
{
    public const string Name = "commerce";
}
