using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ECommerce.Api.Identity;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The accounts a test class signs in with, over one database: the bootstrap admin its API is started with
/// and every user <see cref="ApiClient.CreateUserAsync"/> made, with their passwords and tokens. Shared by the
/// clients of restarted processes over that database, so a token from before a restart is used after it.</summary>
public sealed class TestAccounts
{
    public const string AdminEmail = "admin@tests.example";
    public const string AdminPassword = "admin-password-for-tests";
    public const string UserPassword = "password-for-tests";

    private readonly ConcurrentDictionary<long, string> _emails = new();
    private readonly ConcurrentDictionary<long, string> _tokens = new();
    private string? _adminToken;

    /// <summary>What every test API is started with: the bootstrap admin, and a cheap password hash (the cost is not
    /// what these tests are about).</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:BootstrapAdmin:Email"] = AdminEmail,
        ["Auth:BootstrapAdmin:Password"] = AdminPassword,
        ["Auth:PasswordHasher:IterationCount"] = "1000",
    };

    public void Remember(long userId, string email) => _emails[userId] = email;

    public async Task<string> TokenOfAsync(HttpClient http, long userId)
    {
        if (_tokens.TryGetValue(userId, out var token))
        {
            return token;
        }

        if (!_emails.TryGetValue(userId, out var email))
        {
            throw new InvalidOperationException($"User {userId} was not created through the test client; no password is known.");
        }

        return _tokens[userId] = await SignInAsync(http, email, UserPassword);
    }

    public async Task<string> AdminTokenAsync(HttpClient http) =>
        _adminToken ??= await SignInAsync(http, AdminEmail, AdminPassword);

    /// <summary>A token straight from POST /api/v1/auth/token; asserts it was issued.</summary>
    public static async Task<string> SignInAsync(HttpClient http, string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password }, ApiClient.Json);
        var token = await ApiClient.ReadAsync<TokenResponse>(response, HttpStatusCode.OK);
        Assert.Equal("Bearer", token.TokenType);
        return token.AccessToken;
    }
}
