using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ECommerce.Api.Identity;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ECommerce.Api.Tests.Identity;

/// <summary>Accounts, tokens, the failed sign-in limit and the login page, on one host (storage is not what they are about).</summary>
public sealed partial class SignInTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    private readonly ApiClient _api = factory.CreateApi();

    private static async Task<(long UserId, string Email)> RegisterAsync(HttpClient http, string password = "correct-horse")
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using var response = await http.PostAsJsonAsync("/api/v1/users", new { name = "Signer", email, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return (JsonDocument.Parse(body).RootElement.GetProperty("userId").GetInt64(), email);
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient http, string email, string password) =>
        http.PostAsJsonAsync("/api/v1/auth/token", new { email, password });

    [Fact]
    public async Task ATokenNamesItsUserAsSubjectExpiresInAnHourAndOnlyTheAdminsCarriesTheAdminRole()
    {
        var (userId, email) = await RegisterAsync(_api.Http);

        var response = await TokenAsync(_api.Http, email.ToUpperInvariant(), "correct-horse");
        var token = await ApiClient.ReadAsync<TokenResponse>(response, HttpStatusCode.OK);
        var admin = await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, TestAccounts.AdminEmail, TestAccounts.AdminPassword), HttpStatusCode.OK);

        Assert.Equal(("Bearer", 3600L), (token.TokenType, token.ExpiresIn));
        var claims = JsonDocument.Parse(OwnershipTests.PayloadOf(token.AccessToken)).RootElement;
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), claims.GetProperty("sub").GetString());
        Assert.False(claims.TryGetProperty("role", out _));
        Assert.Equal(claims.GetProperty("iat").GetInt64() + 3600, claims.GetProperty("exp").GetInt64());
        Assert.Equal("admin", JsonDocument.Parse(OwnershipTests.PayloadOf(admin.AccessToken)).RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownEmailGetTheSameUnauthorizedProblem()
    {
        var (_, email) = await RegisterAsync(_api.Http);

        var wrong = await Problems.AssertAsync(await TokenAsync(_api.Http, email, "wrong-horse"), HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var unknown = await Problems.AssertAsync(await TokenAsync(_api.Http, $"{Guid.NewGuid():N}@example.com", "correct-horse"),
            HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");

        Assert.Equal(wrong.GetProperty("title").GetString(), unknown.GetProperty("title").GetString());
        await Problems.AssertAsync(await _api.Http.PostAsJsonAsync("/api/v1/auth/token", new { email }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task PasswordsAreRequiredLongEnoughAndNeverShown()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        foreach (var body in new object[] { new { name = "A", email }, new { name = "A", email, password = "short77" } })
        {
            await Problems.AssertAsync(await _api.Http.PostAsJsonAsync("/api/v1/users", body), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        using var created = await _api.Http.PostAsJsonAsync("/api/v1/users", new { name = "A", email, password = "eight888" });
        var userId = (await ApiClient.ReadAsync<JsonElement>(created, HttpStatusCode.Created)).GetProperty("userId").GetInt64();
        var asAdmin = await (await _api.GetAsync($"/api/v1/users/{userId}")).Content.ReadAsStringAsync();

        foreach (var text in new[] { await created.Content.ReadAsStringAsync(), asAdmin })
        {
            Assert.DoesNotContain("eight888", text, StringComparison.Ordinal);
            Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
            // ASP.NET Core Identity's v3 hashes start with 0x01 0x00 0x00 0x00: "AQAAAA" in base64.
            Assert.DoesNotContain("AQAAAA", text, StringComparison.Ordinal);
        }

        await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, email, "eight888"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwentyFailedSignInsOfOneEmailThenTooManyRequestsWithRetryAfterEvenForTheRightPasswordAndOtherEmailsAreNotSlowed()
    {
        var (_, email) = await RegisterAsync(_api.Http);
        var (_, neighbour) = await RegisterAsync(_api.Http);

        for (var i = 0; i < 20; i++)
        {
            await Problems.AssertAsync(await TokenAsync(_api.Http, email, $"wrong-{i}"), HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        var limited = await TokenAsync(_api.Http, email, "wrong-20");
        await Problems.AssertAsync(limited, HttpStatusCode.TooManyRequests, "TOO_MANY_SIGN_IN_FAILURES");
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        await Problems.AssertAsync(await TokenAsync(_api.Http, email, "correct-horse"), HttpStatusCode.TooManyRequests, "TOO_MANY_SIGN_IN_FAILURES");
        await Problems.AssertAsync(await TokenAsync(_api.Http, email.ToUpperInvariant(), "correct-horse"), HttpStatusCode.TooManyRequests,
            "TOO_MANY_SIGN_IN_FAILURES");

        await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, neighbour, "correct-horse"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task FortyConcurrentWrongPasswordsGetExactlyTwentyUnauthorizedAndTwentyTooManyRequests()
    {
        var (_, email) = await RegisterAsync(_api.Http);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => TokenAsync(_api.Http, email, $"wrong-{i}")));

        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.True(r.Headers.Contains("Retry-After")));
    }

    [Fact]
    public async Task SuccessfulSignInsAreNotCountedAgainstTheLimit()
    {
        var (_, email) = await RegisterAsync(_api.Http);

        var signIns = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => TokenAsync(_api.Http, email, "correct-horse")));
        Assert.All(signIns, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // The whole budget of failures is still there after them.
        for (var i = 0; i < 20; i++)
        {
            await Problems.AssertAsync(await TokenAsync(_api.Http, email, $"wrong-{i}"), HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        await Problems.AssertAsync(await TokenAsync(_api.Http, email, "wrong"), HttpStatusCode.TooManyRequests, "TOO_MANY_SIGN_IN_FAILURES");
    }

    [Fact]
    public async Task OnlyAnEmailThatFailedIsWatchedByTheLimiterSoSuccessfulSignInsLeaveNothingBehind()
    {
        var signIn = factory.Services.GetRequiredService<SignIn>();
        var (_, email) = await RegisterAsync(_api.Http);
        var (_, other) = await RegisterAsync(_api.Http);
        var watched = signIn.EmailsWatched;

        for (var i = 0; i < 5; i++)
        {
            await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, email, "correct-horse"), HttpStatusCode.OK);
        }

        Assert.Equal(watched, signIn.EmailsWatched);
        await Problems.AssertAsync(await TokenAsync(_api.Http, other, "wrong-horse"), HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        await Problems.AssertAsync(await TokenAsync(_api.Http, other.ToUpperInvariant(), "wrong-horse"), HttpStatusCode.Unauthorized,
            "INVALID_CREDENTIALS");
        Assert.Equal(watched + 1, signIn.EmailsWatched);
        await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, other, "correct-horse"), HttpStatusCode.OK);
        Assert.Equal(watched + 1, signIn.EmailsWatched);
    }

    [Fact]
    public async Task AHashMadeAtALowerCostIsReplacedAtTheConfiguredCostOnTheNextSignIn()
    {
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var userId = await grains.GetGrain<IIdAllocatorGrain>(IdSequences.User).NextIdAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        var cheap = new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions { IterationCount = 500 }));
        await grains.GetGrain<IUserGrain>(userId).RegisterAsync("Old hash", email, cheap.HashPassword(new Account(), "correct-horse"));

        await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, email, "correct-horse"), HttpStatusCode.OK);

        // The v3 format: marker byte, PRF, then the iteration count, big-endian.
        var stored = Convert.FromBase64String((await grains.GetGrain<IUserGrain>(userId).GetCredentialsAsync())!.PasswordHash!);
        Assert.Equal(1_000u, BinaryPrimitives.ReadUInt32BigEndian(stored.AsSpan(5, 4)));
        await ApiClient.ReadAsync<TokenResponse>(await TokenAsync(_api.Http, email, "correct-horse"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheBootstrapAdminMayCreateProductsAndCouponsAndAUserMayNot()
    {
        var user = await _api.CreateUserAsync();
        var product = new { name = $"Admin made {Guid.NewGuid():N}", price = 100, stock = 1 };

        await Problems.AssertAsync(await _api.As(user.UserId).PostAsync("/api/v1/products", product), HttpStatusCode.Forbidden, "FORBIDDEN");
        var created = await ApiClient.ReadAsync<JsonElement>(await _api.PostAsync("/api/v1/products", product), HttpStatusCode.Created);

        Assert.Equal(product.name, created.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AnAnonymousBrowserIsSentToLoginAndAfterSigningInAsAdminSeesTheAdminPageAndTheDashboard()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        foreach (var page in new[] { "/admin", "/dashboard" })
        {
            var anonymous = await browser.GetAsync(page);
            Assert.True(anonymous.StatusCode == HttpStatusCode.Redirect, $"{page}: {(int)anonymous.StatusCode} {anonymous.Headers.Location}");
            Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(page)}", anonymous.Headers.Location?.PathAndQuery);
        }

        // The page's JSON is an API endpoint: the cookie scheme answers it 401 rather than redirecting the script.
        await Problems.AssertAsync(await browser.GetAsync("/admin/api/traffic"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

        var signedIn = await SubmitLoginAsync(browser, TestAccounts.AdminEmail, TestAccounts.AdminPassword, "/dashboard");
        Assert.Equal((HttpStatusCode.Redirect, "/dashboard"), (signedIn.StatusCode, signedIn.Headers.Location?.OriginalString));

        var admin = await browser.GetAsync("/admin");
        var dashboard = await browser.GetAsync("/dashboard/");
        Assert.Equal((HttpStatusCode.OK, "text/html"), (admin.StatusCode, admin.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/api/traffic")).StatusCode);
        // The cookie opens the pages only: the API takes bearer tokens.
        await Problems.AssertAsync(await browser.GetAsync("/api/v1/admin/dead-letters"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task TheLoginFormRefusesWrongPasswordsNonAdminsAndForeignReturnUrls()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var user = await _api.CreateUserAsync();
        var email = (await _api.GetUserAsync(user.UserId)).Email;

        var wrong = await SubmitLoginAsync(browser, TestAccounts.AdminEmail, "not-the-password", "/admin");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("The email or password is wrong.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);

        foreach (var foreign in new[] { "//evil.example/admin", "/\\evil.example", "https://evil.example/", "/\t/evil.example" })
        {
            var elsewhere = await SubmitLoginAsync(browser, email, TestAccounts.UserPassword, foreign);
            Assert.Equal((HttpStatusCode.Redirect, "/admin"), (elsewhere.StatusCode, elsewhere.Headers.Location?.OriginalString));
        }

        await Problems.AssertAsync(await browser.GetAsync("/admin"), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await browser.GetAsync("/dashboard"), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task AnAdminBearerTokenOpensThePagesToo()
    {
        var admin = await _api.Accounts.AdminTokenAsync(_api.Http);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var page in new[] { "/admin", "/dashboard/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, page) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", admin) } };
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task SwaggerDescribesTheBearerSchemeOnTheOperationsThatNeedIt()
    {
        using var document = JsonDocument.Parse(await _api.Http.GetStringAsync("/swagger/v1/swagger.json"));

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/api/v1/auth/token", out _));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/api/v1/users/{userId}/balance/charge", "post"), ("/api/v1/orders", "post"), ("/api/v1/products", "post") })
        {
            var security = paths.GetProperty(path).GetProperty(method).GetProperty("security");
            Assert.Contains("Bearer", security[0].EnumerateObject().Select(p => p.Name));
        }

        foreach (var (path, method) in new[] { ("/api/v1/products", "get"), ("/api/v1/users", "post"), ("/api/v1/auth/token", "post") })
        {
            Assert.False(paths.GetProperty(path).GetProperty(method).TryGetProperty("security", out _), $"{method} {path} needs no token");
        }
    }

    /// <summary>GETs the form for its antiforgery token, as a browser would, and posts it.</summary>
    private static async Task<HttpResponseMessage> SubmitLoginAsync(HttpClient browser, string email, string password, string returnUrl)
    {
        var form = await browser.GetStringAsync($"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, form);
        return await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups["name"].Value] = WebUtility.HtmlDecode(antiforgery.Groups["value"].Value),
            ["email"] = email,
            ["password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>__RequestVerificationToken)" value="(?<value>[^"]+)">""")]
    private static partial Regex AntiforgeryField();
}
