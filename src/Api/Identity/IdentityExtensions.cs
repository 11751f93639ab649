using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ECommerce.Api.Identity;

/// <summary>Policy names for <c>RequireAuthorization</c>.</summary>
public static class AuthPolicies
{
    /// <summary>Any signed-in user, by bearer token; the endpoint then checks that the request names that user.</summary>
    public const string User = "user";

    /// <summary>The admin role, by bearer token: the API's admin endpoints.</summary>
    public const string Admin = "admin";

    /// <summary>The admin role, by bearer token or the login page's cookie: <c>/dashboard</c> and <c>/admin</c>.
    /// Without either, a browser is sent to <c>/login</c>.</summary>
    public const string AdminPage = "admin-page";
}

public static class IdentityExtensions
{
    /// <summary>Bearer for the API, or cookie (from /login) when no Authorization header is sent: the pages' scheme.</summary>
    public const string PageScheme = "BearerOrCookie";

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Validate(o => o.HasValidSigningKey(), $"Auth:SigningKey must be base64 or hex of at least {AuthOptions.MinKeyBytes} bytes.")
            .Validate(o => o.FailedSignInLimit > 0 && o.FailedSignInWindow > TimeSpan.Zero, "Auth:FailedSignInLimit and Auth:FailedSignInWindow must be positive.")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Auth:TokenLifetime must be positive.")
            .Validate(o => string.IsNullOrEmpty(o.BootstrapAdmin.Email) || o.BootstrapAdmin.Password?.Length >= Account.MinPasswordLength,
                $"Auth:BootstrapAdmin:Password must have at least {Account.MinPasswordLength} characters.")
            .ValidateOnStart();
        // The framework's default cost unless Auth:PasswordHasher:IterationCount lowers it (tests, the load tool's server).
        services.AddOptions<PasswordHasherOptions>().BindConfiguration("Auth:PasswordHasher");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<SignIn>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.RequireHttpsMetadata = false;
            })
            .AddCookie(options =>
            {
                options.LoginPath = LoginPage.Path;
                options.Cookie.Name = "ecommerce.admin";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.SlidingExpiration = false;
                // Signed in but not an admin: a 403 ProblemDetails, not a redirect to a page that does not exist.
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddPolicyScheme(PageScheme, "Bearer token or sign-in cookie", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, SigningKeys>((bearer, auth, keys) =>
                bearer.TokenValidationParameters = AccessTokens.ValidationParameters(auth.Value, keys));
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.TokenLifetime);

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.User, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(Caller.SubjectClaim))
            .AddPolicy(AuthPolicies.Admin, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireRole(Caller.AdminRole))
            .AddPolicy(AuthPolicies.AdminPage, policy => policy
                .AddAuthenticationSchemes(PageScheme)
                .RequireRole(Caller.AdminRole));
        services.AddAntiforgery();
        return services;
    }

    /// <summary>Loads the signing key and creates the bootstrap admin once the silo is active, after the demo data.</summary>
    public static ISiloBuilder AddAccounts(this ISiloBuilder silo) =>
        silo.AddStartupTask<AccountsStartup>(ServiceLifecycleStage.Active + 1);

    public static WebApplication UseAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
