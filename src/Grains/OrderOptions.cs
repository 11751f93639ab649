namespace ECommerce.Grains;

/// <summary>Configuration section <see cref="Section"/>.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>How long a created order waits for payment before it expires and gives its stock and coupon back.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The period of the order's reminder. The first tick comes at the payment timeout; later ticks retry an
    /// order still open, and after a restart the first tick of an overdue order comes within one period (Orleans
    /// schedules a missed reminder at its next period boundary, it does not fire it at once).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Set by the stream wiring when its provider keeps events in memory only (<c>Streams:Provider</c>
    /// <c>Memory</c>): a paid order's reminder then ticks, publishing its event again, until the ranking and the data
    /// platform have both stored it.</summary>
    public bool KeepPaidEventUntilConsumed { get; set; }
}
