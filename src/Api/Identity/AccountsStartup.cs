using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace ECommerce.Api.Identity;

/// <summary>Before the API answers: loads the signing key (configured, else the stored one, made on the first start)
/// and creates the bootstrap admin when it is missing. Its id is reserved under an idempotency key of its email, so a
/// start that crashed half-way finishes the same account.</summary>
internal sealed class AccountsStartup(
    IGrainFactory grains,
    SigningKeys keys,
    IPasswordHasher<Account> hasher,
    IOptions<AuthOptions> options,
    ILogger<AccountsStartup> logger) : IStartupTask
{
    private const string Version = "v1";
    private const string AdminName = "Administrator";

    public async Task Execute(CancellationToken cancellationToken)
    {
        var auth = options.Value;
        keys.Use(auth.DecodeSigningKey() ?? await StoredKeyAsync());

        if (auth.BootstrapAdmin is { Email: { Length: > 0 } email, Password: { Length: > 0 } password })
        {
            await EnsureAdminAsync(email, password);
        }
    }

    private async Task<byte[]> StoredKeyAsync()
    {
        var grain = grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key);
        try
        {
            return await grain.GetOrCreateAsync(AuthOptions.MinKeyBytes);
        }
        catch (InconsistentStateException)
        {
            // Another node stored its key first; that one is read now.
            return await grain.GetOrCreateAsync(AuthOptions.MinKeyBytes);
        }
    }

    private async Task EnsureAdminAsync(string email, string password)
    {
        var normalized = IEmailGrain.Normalize(email);
        var reservation = grains.GetGrain<IIdempotencyGrain>($"bootstrap-admin:{Version}:{normalized}");
        var ticket = await reservation.BeginAsync(Version, IdSequences.User);
        if (ticket.Outcome == IdempotencyOutcome.Completed)
        {
            return;
        }

        var userId = ticket.ReservedId ?? throw new InvalidOperationException("No id was reserved for the bootstrap admin.");
        try
        {
            await grains.GetGrain<IUserGrain>(userId).RegisterAsync(AdminName, normalized,
                hasher.HashPassword(Account.Any, password), isAdmin: true);
        }
        catch (DomainException error) when (error.Code == DomainErrors.EmailTaken)
        {
            // Never promote an account someone else registered with that address.
            logger.LogError("Auth:BootstrapAdmin:Email {Email} belongs to another user; no admin was created", normalized);
            return;
        }

        await reservation.CompleteAsync(Version, new IdempotentResponse(StatusCodes.Status200OK, "{}"));
        logger.LogInformation("Bootstrap admin {Email} is user {UserId}", normalized, userId);
    }
}
