using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Api.Identity;

/// <summary>The bearer scheme's token handler: validates a token with <paramref name="inner"/> once, then answers the same
/// token from memory until it expires. A signed-in client sends one token with every request, and parsing it, checking
/// its signature and building its claims cost about 30 us of CPU each time (docs/BENCHMARKS.md, "What validating a token
/// costs"). Nothing is checked differently: only a token the inner handler found valid is kept, only while the key it
/// was checked with is still <see cref="SigningKeys.Current"/> and the same validation parameters ask, and only until its
/// expiry plus the clock skew the validation allows. An invalid token is validated again on every request, so a caller
/// cannot fill the memory with them; at most <paramref name="capacity"/> tokens are kept.</summary>
/// <param name="clock">The clock the inner handler checks lifetimes with (the system clock for the bearer scheme).</param>
public sealed class ValidatedTokenCache(TokenHandler inner, SigningKeys keys, TimeProvider clock, int capacity) : TokenHandler
{
    private readonly MemoryCache _valid = new(new MemoryCacheOptions
    {
        SizeLimit = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity)),
    });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = keys.Current;
        if (_valid.TryGetValue(token, out ValidToken? known)
            && ReferenceEquals(known!.Key, key)
            && ReferenceEquals(known.Parameters, validationParameters)
            && clock.GetUtcNow().UtcDateTime < known.Until)
        {
            return known.Result();
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: { } validated, ClaimsIdentity: { } identity })
        {
            var until = DateTime.SpecifyKind(validated.ValidTo + validationParameters.ClockSkew, DateTimeKind.Utc);
            _valid.Set(token, new ValidToken(key, validationParameters, validated, identity.Clone(), result.Issuer, result.TokenType, until),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(until) });
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    private sealed record ValidToken(SecurityKey Key, TokenValidationParameters Parameters, SecurityToken Token,
        ClaimsIdentity Identity, string? Issuer, string? TokenType, DateTime Until)
    {
        // Each request gets its own identity: a claim one request adds never shows in another's.
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
