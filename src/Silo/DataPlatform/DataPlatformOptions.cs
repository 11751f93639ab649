namespace ECommerce.Silo.DataPlatform;

/// <summary>Section "DataPlatform".</summary>
public sealed class DataPlatformOptions
{
    public const string Section = "DataPlatform";

    public const string HttpClientName = "data-platform";

    private static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>Where paid orders are POSTed as JSON; when unset they go to the log.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The pause before each retry; after the last retry fails the event becomes a dead letter.
    /// Unset: 1 s, 5 s, 30 s. (An array default would be appended to by configuration binding, hence the null.)</summary>
    public TimeSpan[]? RetryDelays { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Length: > 0 } delays ? delays : DefaultRetryDelays;

    /// <summary>One POST gives up after this long (and counts as a failed attempt).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the delivery worker looks for due deliveries while nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
