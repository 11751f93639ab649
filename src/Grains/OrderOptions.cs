namespace ECommerce.Grains;

/// <summary>Configuration section <see cref="Section"/>.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>How long a created order waits for payment before it expires and gives its stock and coupon back.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
