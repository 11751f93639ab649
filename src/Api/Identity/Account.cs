namespace ECommerce.Api.Identity;

/// <summary>The type <see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/> is made for; its hashes do not
/// depend on it.</summary>
public sealed class Account
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;

    internal static readonly Account Any = new();
}
