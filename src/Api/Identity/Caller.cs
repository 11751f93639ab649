using System.Security.Claims;
using ECommerce.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Identity;

/// <summary>Who sent the request, as the token (or the page's cookie) says, and what that caller may touch.</summary>
public static class Caller
{
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string AdminRole = "admin";

    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(SubjectClaim), out var id) ? id : null;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    /// <summary>Only the user may change their own wallet, coupons and orders.</summary>
    public static bool Is(this ClaimsPrincipal user, long userId) => user.UserId() == userId;

    /// <summary>The user, or an admin, may read them.</summary>
    public static bool CanRead(this ClaimsPrincipal user, long userId) => user.Is(userId) || user.IsAdmin();

    public static ProblemHttpResult Forbidden(long userId) =>
        TypedResults.Problem($"The access token does not belong to user {userId}.", statusCode: StatusCodes.Status403Forbidden,
            title: "The request names another user.", extensions: new Dictionary<string, object?> { [ErrorCodes.Extension] = ErrorCodes.Forbidden });

    public static ClaimsPrincipal Principal(long userId, bool isAdmin, string authenticationType)
    {
        var claims = new List<Claim> { new(SubjectClaim, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (isAdmin)
        {
            claims.Add(new Claim(RoleClaim, AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, SubjectClaim, RoleClaim));
    }
}
