using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Api.Identity;

public sealed record AccessToken(string Token, TimeSpan Lifetime);

/// <summary>Signs the JWTs the bearer scheme validates: HMAC-SHA256 with <see cref="SigningKeys"/>, the user id as
/// subject, <c>admin</c> as a role claim where it applies.</summary>
public sealed class AccessTokens(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new();

    public AccessToken Issue(long userId, bool isAdmin)
    {
        var auth = options.Value;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var subject = Caller.Principal(userId, isAdmin, "token");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = (ClaimsIdentity)subject.Identity!,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.TokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, auth.TokenLifetime);
    }

    /// <summary>What the bearer scheme checks: issuer, audience, lifetime (30 s of clock skew) and the signature.</summary>
    public static TokenValidationParameters ValidationParameters(AuthOptions auth, SigningKeys keys) => new()
    {
        ValidIssuer = auth.Issuer,
        ValidAudience = auth.Audience,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKeyResolver = (_, _, _, _) => [keys.Current],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = Caller.SubjectClaim,
        RoleClaimType = Caller.RoleClaim,
    };
}
