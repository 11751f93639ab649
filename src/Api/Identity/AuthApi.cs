using System.Globalization;
using ECommerce.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Identity;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/token", IssueTokenAsync)
            .WithName("IssueToken")
            .WithSummary("Signs in with email and password; answers a bearer token for the Authorization header.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, SignIn signIn, AccessTokens tokens, HttpContext http)
    {
        var validation = new RequestValidation()
            .Check(!string.IsNullOrWhiteSpace(request.Email), "email", "email is required.")
            .Check(!string.IsNullOrEmpty(request.Password), "password", "password is required.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var result = await signIn.CheckAsync(request.Email!, request.Password!);
        switch (result.Outcome)
        {
            case SignInOutcome.TooManyFailures:
                http.Response.Headers.RetryAfter = RetryAfterSeconds(result.RetryAfter);
                return Problem(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManySignInFailures,
                    "Too many failed sign-ins for this email.", "Wait for the Retry-After seconds before trying again.");
            case SignInOutcome.InvalidCredentials:
                return Problem(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials,
                    "The email or password is wrong.", null);
        }

        var token = tokens.Issue(result.User!.UserId, result.User.IsAdmin);
        return TypedResults.Ok(new TokenResponse(token.Token, "Bearer", (long)token.Lifetime.TotalSeconds));
    }

    internal static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static ProblemHttpResult Problem(int status, string code, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { [ErrorCodes.Extension] = code });
}
