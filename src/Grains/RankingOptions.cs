namespace ECommerce.Grains;

/// <summary>Configuration section <see cref="Section"/>.</summary>
public sealed class RankingOptions
{
    public const string Section = "Ranking";

    /// <summary>IANA id of the zone whose calendar days the ranking counts in.</summary>
    public string TimeZone { get; set; } = "Asia/Seoul";
}
