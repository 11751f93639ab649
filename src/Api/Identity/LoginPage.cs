using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ECommerce.Api.Identity;

/// <summary>Where a person in a browser signs in for <c>/dashboard</c> and <c>/admin</c>: a form that sets the page
/// cookie. The API itself takes bearer tokens only, so the cookie cannot be used to spend a wallet.</summary>
public static class LoginPage
{
    public const string Path = "/login";
    private const string DefaultReturnUrl = "/admin";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        group.MapGet(Path, ShowForm);
        group.MapPost(Path, SignInAsync);
        return routes;
    }

    public static ContentHttpResult ShowForm(HttpContext http, IAntiforgery antiforgery, [FromQuery(Name = "ReturnUrl")] string? returnUrl) =>
        Form(http, antiforgery, returnUrl, message: null, StatusCodes.Status200OK);

    public static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, SignIn signIn,
        [FromForm] string? email, [FromForm] string? password, [FromForm(Name = "ReturnUrl")] string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return Form(http, antiforgery, returnUrl, "Enter your email and password.", StatusCodes.Status400BadRequest);
        }

        var result = await signIn.CheckAsync(email, password);
        switch (result.Outcome)
        {
            case SignInOutcome.TooManyFailures:
                http.Response.Headers.RetryAfter = AuthApi.RetryAfterSeconds(result.RetryAfter);
                return Form(http, antiforgery, returnUrl, "Too many failed sign-ins; try again later.", StatusCodes.Status429TooManyRequests);
            case SignInOutcome.InvalidCredentials:
                return Form(http, antiforgery, returnUrl, "The email or password is wrong.", StatusCodes.Status401Unauthorized);
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            Caller.Principal(result.User!.UserId, result.User.IsAdmin, CookieAuthenticationDefaults.AuthenticationScheme));
        return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : DefaultReturnUrl);
    }

    // Only paths of this site: "//host" and "/\host" are other sites to a browser; LocalRedirect refuses control characters.
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);

    private static ContentHttpResult Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = HtmlEncoder.Default;
        var error = message is null ? "" : $"""<p id="error" role="alert">{html.Encode(message)}</p>""";
        var body = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Sign in · ECommerce</title>
              <style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}#error{color:#b00020}</style>
            </head>
            <body>
              <h1>Sign in</h1>
              {{error}}
              <form method="post" action="{{Path}}">
                <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? "")}}">
                <input type="hidden" name="ReturnUrl" value="{{html.Encode(IsLocal(returnUrl) ? returnUrl! : DefaultReturnUrl)}}">
                <label for="email">Email</label>
                <input id="email" name="email" type="email" autocomplete="username" required>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button id="sign-in" type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """;
        return TypedResults.Content(body, "text/html; charset=utf-8", statusCode: status);
    }
}
