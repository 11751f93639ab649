using System.Text;

namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>The one spelling of enum values outside .NET (JSON, SQL, messages): PendingPayment -> PENDING_PAYMENT.</summary>
public static class WireNames
{
    public static string ToWire<TEnum>(this TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }

    public static TEnum FromWire<TEnum>(string wire) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(wire.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
