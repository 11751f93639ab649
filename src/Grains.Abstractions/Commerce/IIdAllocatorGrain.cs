
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>Hands out positive ids of one sequence (key: <see cref="IdSequences"/>); never the same id twice, also
/// across restarts. Ids are increasing but may have gaps.</summary>
public interface IIdAllocatorGrain : IGrainWithStringKey
{
    Task<long> NextIdAsync();
}

public static class IdSequences
{
    public const string User = "user";
    public const string Product = "product";
    public const string Coupon = "coupon";
    public const string Order = "order";
}
