using System.Security.Claims;
using ECommerce.Api.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Api.Tests.Identity;

/// <summary>The bearer scheme validates a token once and then answers it from memory: it must never accept what a fresh
/// validation would refuse.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private readonly SigningKeys _keys = new();
    private readonly CountingHandler _inner = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(Now));
    private readonly TokenValidationParameters _parameters;

    public ValidatedTokenCacheTests()
    {
        _keys.Use(Enumerable.Repeat((byte)7, AuthOptions.MinKeyBytes).ToArray());
        _parameters = AccessTokens.ValidationParameters(new AuthOptions(), _keys);
    }

    private ValidatedTokenCache Cache(int capacity = 100) => new(_inner, _keys, _clock, capacity);

    private string Token(long userId, DateTime expires, SecurityKey? key = null) => new JsonWebTokenHandler().CreateToken(
        new SecurityTokenDescriptor
        {
            Issuer = "ecommerce",
            Audience = "ecommerce",
            Subject = new ClaimsIdentity([new Claim(Caller.SubjectClaim, userId.ToString())]),
            IssuedAt = expires.AddMinutes(-10),
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key ?? _keys.Current, SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public async Task AValidTokenIsValidatedOnceAndAnsweredFromMemoryUntilItsExpiryPlusTheClockSkew()
    {
        var cache = Cache();
        var expires = Now.AddMinutes(5);
        var token = Token(42, expires);

        var answers = new List<TokenValidationResult>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await cache.ValidateTokenAsync(token, _parameters));
        }

        Assert.Equal(1, _inner.Calls);
        Assert.All(answers, answer => Assert.True(answer.IsValid));
        Assert.All(answers, answer => Assert.Equal("42", answer.ClaimsIdentity.FindFirst(Caller.SubjectClaim)?.Value));

        _clock.Set(new DateTimeOffset(expires + _parameters.ClockSkew - TimeSpan.FromSeconds(1)));
        await cache.ValidateTokenAsync(token, _parameters);
        Assert.Equal(1, _inner.Calls);

        _clock.Set(new DateTimeOffset(expires + _parameters.ClockSkew));
        await cache.ValidateTokenAsync(token, _parameters);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task AnInvalidTokenIsValidatedAgainOnEveryRequestAndNeverAccepted()
    {
        var cache = Cache();
        string[] refused = [Token(42, Now.AddMinutes(-5)), Token(42, Now.AddMinutes(5), new SymmetricSecurityKey(new byte[32])), "not.a.token"];

        foreach (var token in refused)
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.False((await cache.ValidateTokenAsync(token, _parameters)).IsValid);
            }
        }

        Assert.Equal(refused.Length * 2, _inner.Calls);
    }

    [Fact]
    public async Task ATokenRememberedUnderAKeyThatIsNoLongerCurrentIsValidatedAgainAndRefused()
    {
        var cache = Cache();
        var token = Token(42, Now.AddMinutes(5));
        Assert.True((await cache.ValidateTokenAsync(token, _parameters)).IsValid);

        _keys.Use(Enumerable.Repeat((byte)9, AuthOptions.MinKeyBytes).ToArray());

        Assert.False((await cache.ValidateTokenAsync(token, _parameters)).IsValid);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task OtherValidationParametersValidateAgain()
    {
        var cache = Cache();
        var token = Token(42, Now.AddMinutes(5));
        await cache.ValidateTokenAsync(token, _parameters);

        var otherAudience = AccessTokens.ValidationParameters(new AuthOptions { Audience = "someone-else" }, _keys);

        Assert.False((await cache.ValidateTokenAsync(token, otherAudience)).IsValid);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task EachAnswerHasItsOwnIdentitySoAClaimAddedToOneIsNotInTheNext()
    {
        var cache = Cache();
        var token = Token(42, Now.AddMinutes(5));
        var first = await cache.ValidateTokenAsync(token, _parameters);
        first.ClaimsIdentity.AddClaim(new Claim(Caller.RoleClaim, Caller.AdminRole));

        var second = await cache.ValidateTokenAsync(token, _parameters);
        var third = await cache.ValidateTokenAsync(token, _parameters);
        third.ClaimsIdentity.AddClaim(new Claim(Caller.RoleClaim, Caller.AdminRole));

        Assert.False(second.ClaimsIdentity.HasClaim(Caller.RoleClaim, Caller.AdminRole));
        Assert.False((await cache.ValidateTokenAsync(token, _parameters)).ClaimsIdentity.HasClaim(Caller.RoleClaim, Caller.AdminRole));
    }

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _calls;

        public CountingHandler() => MapInboundClaims = false;

        public int Calls => Volatile.Read(ref _calls);

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Set(DateTimeOffset now) => _now = now;
    }
}
