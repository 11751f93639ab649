using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Api.Identity;

/// <summary>The one key tokens are signed and validated with, set by <see cref="AccountsStartup"/> before the API
/// answers its first request.</summary>
public sealed class SigningKeys
{
    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Current =>
        Volatile.Read(ref _key) ?? throw new InvalidOperationException("The signing key is not loaded yet.");

    internal void Use(byte[] key) => Volatile.Write(ref _key, new SymmetricSecurityKey(key));
}
