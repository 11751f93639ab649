using System.Net;
using System.Net.Http.Headers;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace ECommerce.Api.Tests.Identity;

public sealed class SigningKeyOnSqlite() : SigningKeyTests(new SqliteTestDatabase());

[RequiresPostgres]
public sealed class SigningKeyOnPostgres() : SigningKeyTests(new PostgresTestDatabase());

/// <summary>Where the token key comes from: generated once and kept in the database when Auth:SigningKey is unset, so a
/// token outlives the process that issued it; the configured key otherwise.</summary>
public abstract class SigningKeyTests(TestDatabase database) : ChildProcessTests(database, "ecommerce-api-keys")
{
    private static async Task<HttpStatusCode> BalanceStatusAsync(ApiProcess api, long userId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/{userId}/balance")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        };
        return (await api.Api.Http.SendAsync(request)).StatusCode;
    }

    [StorageFact]
    public async Task ATokenIssuedBeforeAKillIsStillValidAfterTheRestartWithoutAConfiguredKey()
    {
        long userId;
        string token;
        await using (var first = await ApiProcess.StartAsync(Settings, WorkingDirectory, Accounts))
        {
            userId = (await first.Api.CreateUserAsync()).UserId;
            token = await Accounts.TokenOfAsync(first.Api.Http, userId);
            Assert.Equal(HttpStatusCode.OK, await BalanceStatusAsync(first, userId, token));
            first.Kill();
        }

        await using var second = await ApiProcess.StartAsync(Settings, WorkingDirectory, Accounts);
        Assert.Equal(HttpStatusCode.OK, await BalanceStatusAsync(second, userId, token));

        // A server with a key of its own over the same data takes the stored key's tokens no more.
        await using var configured = await ApiProcess.StartAsync(
            new Dictionary<string, string?>(Settings) { ["Auth:SigningKey"] = Convert.ToHexString(new byte[32].Select((_, i) => (byte)i).ToArray()) },
            WorkingDirectory, new TestAccounts());
        second.Kill();
        Assert.Equal(HttpStatusCode.Unauthorized, await BalanceStatusAsync(configured, userId, token));
    }

    [StorageFact]
    public async Task AConfiguredKeyInHexOrBase64SignsTheTokensAndBothSpellingsAreTheSameKey()
    {
        var key = Enumerable.Range(0, 48).Select(i => (byte)(i * 7)).ToArray();
        long userId;
        string token;
        await using (var hex = await ApiProcess.StartAsync(new Dictionary<string, string?>(Settings) { ["Auth:SigningKey"] = Convert.ToHexString(key) },
                         WorkingDirectory, Accounts))
        {
            userId = (await hex.Api.CreateUserAsync()).UserId;
            token = await Accounts.TokenOfAsync(hex.Api.Http, userId);
            hex.Kill();
        }

        await using var base64 = await ApiProcess.StartAsync(
            new Dictionary<string, string?>(Settings) { ["Auth:SigningKey"] = Convert.ToBase64String(key) }, WorkingDirectory, Accounts);
        Assert.Equal(HttpStatusCode.OK, await BalanceStatusAsync(base64, userId, token));
    }
}

/// <summary>A key too short to sign with stops the start-up, rather than signing weakly.</summary>
public sealed class ShortSigningKeyTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    [Fact]
    public void AKeyOfFewerThan32BytesStopsTheStartUp()
    {
        using var app = factory.WithWebHostBuilder(builder => builder.UseSetting("Auth:SigningKey", Convert.ToHexString(new byte[31])));

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Auth:SigningKey", error.Message, StringComparison.Ordinal);
    }
}
