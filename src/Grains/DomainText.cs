using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>The one rule for names people type: trimmed, 1..max characters, no control characters (PostgreSQL
/// text cannot hold NUL, and no name needs a tab or a bell).</summary>
internal static class DomainText
{
    public static string Name(string? value, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length is 0 || trimmed.Length > maxLength || trimmed.Any(char.IsControl))
        {
            throw DomainErrors.Validation($"name must be 1..{maxLength} characters, none of them control characters.");
        }

        return trimmed;
    }
}
