
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>Owner of one email address, keyed by <see cref="Normalize"/>d email: a per-address lock-free claim
/// instead of a global uniqueness check. Called by <see cref="IUserGrain"/>; asks an owning user grain only whether its registration is stored.</summary>
public interface IEmailGrain : IGrainWithStringKey
{
    /// <summary>Claims the address for <paramref name="userId"/>; idempotent for the same user.</summary>
    /// <exception cref="DomainException">EMAIL_TAKEN when another user owns it.</exception>
    Task ClaimAsync(long userId);

    /// <summary>Drops a claim that was never committed by its user (a failed registration); a no-op otherwise.</summary>
    Task ReleaseAsync(long userId);

    Task<long?> GetOwnerAsync();

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
