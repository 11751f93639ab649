namespace ECommerce.Api.Identity;

/// <summary>Section "Auth". The password hasher's cost is section "Auth:PasswordHasher" (<c>IterationCount</c>).</summary>
public sealed class AuthOptions
{
    public const int MinKeyBytes = 32;

    /// <summary>Base64 or hex of at least 32 bytes; when unset the key is generated once and kept in storage.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "ecommerce";

    public string Audience { get; set; } = "ecommerce";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed sign-ins per email within <see cref="FailedSignInWindow"/> before the next ones get 429.</summary>
    public int FailedSignInLimit { get; set; } = 20;

    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    /// <summary>The configured key's bytes, or null when it is unset or neither hex nor base64.</summary>
    public byte[]? DecodeSigningKey()
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            return null;
        }

        var text = SigningKey.Trim();
        if (text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    internal bool HasValidSigningKey() =>
        string.IsNullOrWhiteSpace(SigningKey) || DecodeSigningKey() is { Length: >= MinKeyBytes };
}

/// <summary>The first administrator, created at start-up when missing; a later change of the password here does
/// not change a stored account.</summary>
public sealed class BootstrapAdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
