using System.Threading.RateLimiting;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ECommerce.Api.Identity;

public enum SignInOutcome
{
    SignedIn,
    InvalidCredentials,
    TooManyFailures,
}

public sealed record SignInResult(SignInOutcome Outcome, UserCredentials? User, TimeSpan RetryAfter);

/// <summary>Checks an email and password for the token endpoint and the login page. Failures are counted per email
/// by the framework's sliding-window rate limiter (in this process); once an email has used its failures, every
/// attempt is refused without looking at the password until the window moves on. Successes take no permit, so a
/// load test may sign in any number of users. Only an email that failed within the last two windows is looked up in
/// the limiter: a partition is made per email looked up, and the limiter's heartbeat (every 100 ms) walks them all.</summary>
public sealed class SignIn : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IPasswordHasher<Account> _hasher;
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly TimeSpan _window;
    private readonly Lazy<string> _decoyHash;

    // Each email that failed, forgotten two windows after its last failure: a sliding window's permits come back a
    // segment at a time, so one window after the last failure the budget is whole again, and the second is a margin.
    private readonly MemoryCache _failed = new(new MemoryCacheOptions());

    public SignIn(IGrainFactory grains, IPasswordHasher<Account> hasher, IOptions<AuthOptions> options)
    {
        _grains = grains;
        _hasher = hasher;
        var auth = options.Value;
        _window = auth.FailedSignInWindow;
        _failures = PartitionedRateLimiter.Create<string, string>(email => RateLimitPartition.GetSlidingWindowLimiter(email,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = auth.FailedSignInLimit,
                Window = auth.FailedSignInWindow,
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        // An unknown email is checked against this, so it costs as much time as a wrong password.
        _decoyHash = new Lazy<string>(() => _hasher.HashPassword(Account.Any, Guid.NewGuid().ToString("N")));
    }

    public async Task<SignInResult> CheckAsync(string email, string password)
    {
        var normalized = IEmailGrain.Normalize(email);
        if (_failed.TryGetValue(normalized, out _))
        {
            using var budget = _failures.AttemptAcquire(normalized, permitCount: 0);
            if (!budget.IsAcquired)
            {
                return Refused(budget);
            }
        }

        var user = await FindAsync(normalized);
        var verified = _hasher.VerifyHashedPassword(Account.Any, user?.PasswordHash ?? _decoyHash.Value, password);
        if (user?.PasswordHash is { } storedHash && verified != PasswordVerificationResult.Failed)
        {
            if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            {
                // Made at a lower cost (or an older format) than Auth:PasswordHasher asks for now.
                await _grains.GetGrain<IUserGrain>(user.UserId)
                    .ReplacePasswordHashAsync(storedHash, _hasher.HashPassword(Account.Any, password));
            }

            return new SignInResult(SignInOutcome.SignedIn, user, TimeSpan.Zero);
        }

        _failed.Set(normalized, true, 2 * _window);
        using var failure = _failures.AttemptAcquire(normalized);
        // Concurrent failures may find the budget spent only here: they are refused like any later attempt.
        return failure.IsAcquired ? new SignInResult(SignInOutcome.InvalidCredentials, null, TimeSpan.Zero) : Refused(failure);
    }

    public void Dispose()
    {
        _failures.Dispose();
        _failed.Dispose();
    }

    /// <summary>How many emails the limiter is asked about: those that failed within the last two windows.</summary>
    internal int EmailsWatched => _failed.Count;

    private SignInResult Refused(RateLimitLease lease) =>
        new(SignInOutcome.TooManyFailures, null,
            lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _window);

    /// <summary>The account whose stored registration holds the address; a claim whose user was never stored is no account.</summary>
    private async Task<UserCredentials?> FindAsync(string normalizedEmail)
    {
        if (await _grains.GetGrain<IEmailGrain>(normalizedEmail).GetOwnerAsync() is not { } userId)
        {
            return null;
        }

        var user = _grains.GetGrain<IUserGrain>(userId);
        return await user.IsRegisteredWithAsync(normalizedEmail) ? await user.GetCredentialsAsync() : null;
    }
}
