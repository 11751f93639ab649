using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ECommerce.Api.Identity;
using ECommerce.Api.Orders;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Api.Tests.Identity;

public sealed class OwnershipOnSqlite(SqliteApi factory) : OwnershipTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class OwnershipOnPostgres(PostgresApi factory) : OwnershipTests(factory), IClassFixture<PostgresApi>;

/// <summary>Every endpoint that is not public, tried without a token, with an expired or tampered one, and with the
/// token of a user it does not belong to: refused with ProblemDetails, and nothing changed.</summary>
public abstract class OwnershipTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    /// <summary>A's world: a funded wallet, a coupon copy, an open order. B is another signed-in user.</summary>
    private sealed record World(long A, long B, long ProductId, long CouponId, long OrderId);

    private enum Scope
    {
        /// <summary>A's own: refused to B.</summary>
        User,

        /// <summary>The admin role: refused to any user.</summary>
        Admin,
    }

    private sealed record Endpoint(HttpMethod Method, string Path, object? Body, Scope Scope);

    private async Task<World> WorldAsync()
    {
        var a = await _api.CreateUserAsync("Owner");
        var b = await _api.CreateUserAsync("Stranger");
        await _api.ChargeAsync(a.UserId, 50_000);
        await _api.ChargeAsync(b.UserId, 50_000);
        var product = await _api.CreateProductAsync(price: 1_000, stock: 10);
        var coupon = await _api.CreateCouponAsync(discountAmount: 100, totalQuantity: 5);
        await _api.IssueCouponAsync(coupon.CouponId, a.UserId);
        var order = await _api.CreateOrderAsync(a.UserId, [(product.ProductId, 2)], coupon.CouponId);
        await _api.SetCartItemAsync(a.UserId, product.ProductId, 3);
        return new World(a.UserId, b.UserId, product.ProductId, coupon.CouponId, order.OrderId);
    }

    private static IEnumerable<Endpoint> Endpoints(World w)
    {
        var items = new[] { new { productId = w.ProductId, quantity = 1 } };
        return
        [
            new(HttpMethod.Get, $"/api/v1/users/{w.A}", null, Scope.User),
            new(HttpMethod.Get, $"/api/v1/users/{w.A}/balance", null, Scope.User),
            new(HttpMethod.Post, $"/api/v1/users/{w.A}/balance/charge", new { amount = 10_000_000 }, Scope.User),
            new(HttpMethod.Get, $"/api/v1/users/{w.A}/balance/history", null, Scope.User),
            new(HttpMethod.Get, $"/api/v1/users/{w.A}/coupons", null, Scope.User),
            new(HttpMethod.Post, $"/api/v1/coupons/{w.CouponId}/issue", new { userId = w.A }, Scope.User),
            new(HttpMethod.Post, "/api/v1/orders", new { userId = w.A, items }, Scope.User),
            new(HttpMethod.Get, $"/api/v1/orders/{w.OrderId}", null, Scope.User),
            new(HttpMethod.Post, $"/api/v1/orders/{w.OrderId}/payment", new { userId = w.A }, Scope.User),
            new(HttpMethod.Post, $"/api/v1/orders/{w.OrderId}/cancel", new { userId = w.A }, Scope.User),
            new(HttpMethod.Get, $"/api/v1/users/{w.A}/orders", null, Scope.User),
            new(HttpMethod.Get, $"/api/v1/orders/{w.OrderId}/payments", null, Scope.User),
            new(HttpMethod.Get, $"/api/v1/users/{w.A}/cart", null, Scope.User),
            new(HttpMethod.Put, $"/api/v1/users/{w.A}/cart/items/{w.ProductId}", new { quantity = 1 }, Scope.User),
            new(HttpMethod.Delete, $"/api/v1/users/{w.A}/cart/items/{w.ProductId}", null, Scope.User),
            new(HttpMethod.Post, $"/api/v1/users/{w.A}/cart/checkout", new { }, Scope.User),
            new(HttpMethod.Post, "/api/v1/products", new { name = "Intruder", price = 1, stock = 1 }, Scope.Admin),
            new(HttpMethod.Post, $"/api/v1/products/{w.ProductId}/stock", new { delta = -10 }, Scope.Admin),
            new(HttpMethod.Post, "/api/v1/coupons", new { name = "Free", discountAmount = 1_000, totalQuantity = 1, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }, Scope.Admin),
            new(HttpMethod.Get, "/api/v1/admin/dead-letters", null, Scope.Admin),
            new(HttpMethod.Post, $"/api/v1/admin/dead-letters/{Guid.NewGuid()}/replay", new { }, Scope.Admin),
            new(HttpMethod.Get, "/admin/api/top-products", null, Scope.Admin),
            new(HttpMethod.Get, "/admin/api/dead-letters", null, Scope.Admin),
        ];
    }

    /// <summary>Everything the refused requests could have changed, read by the admin.</summary>
    private async Task<string> SnapshotAsync(World w)
    {
        var order = await _api.GetOrderAsync(w.OrderId);
        var product = await _api.GetProductAsync(w.ProductId);
        var coupon = await _api.GetCouponAsync(w.CouponId);
        var products = await _api.ListProductsAsync(100);
        var parts = new List<object>
        {
            await _api.GetBalanceAsync(w.A), await _api.GetBalanceAsync(w.B),
            (await _api.GetHistoryAsync(w.A)).Count, (await _api.GetHistoryAsync(w.B)).Count,
            string.Join(",", (await _api.GetUserCouponsAsync(w.A)).Select(c => $"{c.CouponId}:{c.Status}")),
            (await _api.GetUserCouponsAsync(w.B)).Count,
            order.Status, product.Stock, coupon.IssuedQuantity, products.Total,
            string.Join(",", (await _api.GetCartAsync(w.A)).Items.Select(i => $"{i.OptionId}x{i.Quantity}")),
        };
        return string.Join(" | ", parts);
    }

    private Task<HttpResponseMessage> SendAsync(Endpoint endpoint, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(endpoint.Method, endpoint.Path);
        if ((body ?? endpoint.Body) is { } content)
        {
            request.Content = JsonContent.Create(content, options: ApiClient.Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _api.Http.SendAsync(request);
    }

    [StorageFact]
    public async Task WithoutATokenEveryProtectedEndpointIsUnauthenticatedAndNothingChanges()
    {
        var world = await WorldAsync();
        var before = await SnapshotAsync(world);

        foreach (var endpoint in Endpoints(world))
        {
            await AssertRefusedAsync(await SendAsync(endpoint, token: null), endpoint, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        Assert.Equal(before, await SnapshotAsync(world));
    }

    [StorageFact]
    public async Task AnExpiredOrTamperedTokenIsUnauthenticatedEverywhereAndNothingChanges()
    {
        var world = await WorldAsync();
        var own = await _api.Accounts.TokenOfAsync(_api.Http, world.A);
        var stranger = await _api.Accounts.TokenOfAsync(_api.Http, world.B);
        var admin = await _api.Accounts.AdminTokenAsync(_api.Http);
        var before = await SnapshotAsync(world);
        string[] bad =
        [
            Mint(world.A, isAdmin: false, expires: DateTime.UtcNow.AddMinutes(-5)),
            Mint(world.A, isAdmin: true, expires: DateTime.UtcNow.AddMinutes(-5)),
            // B's claims under A's signature, A's claims under a key of the test's own, and a signature one bit off.
            WithPayloadOf(own, stranger),
            WithPayloadOf(stranger, admin),
            Mint(world.A, isAdmin: true, expires: DateTime.UtcNow.AddMinutes(5), key: new SymmetricSecurityKey(new byte[32])),
            FlipLastSignatureBit(own),
            "not-a-jwt",
        ];

        foreach (var endpoint in Endpoints(world))
        {
            foreach (var token in bad)
            {
                await AssertRefusedAsync(await SendAsync(endpoint, token), endpoint, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            }
        }

        // The pages fall back to the cookie only when no token is sent: a bad token is refused there too, not redirected.
        foreach (var page in new[] { "/admin", "/dashboard/" })
        {
            var endpoint = new Endpoint(HttpMethod.Get, page, null, Scope.Admin);
            await AssertRefusedAsync(await SendAsync(endpoint, Mint(world.A, isAdmin: true, expires: DateTime.UtcNow.AddMinutes(-5))), endpoint,
                HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        Assert.Equal(before, await SnapshotAsync(world));
        // The same claims, minted with the server's key and still valid, are taken: the refusals above were for the token.
        using var valid = await SendAsync(Endpoints(world).First(), Mint(world.A, isAdmin: false, expires: DateTime.UtcNow.AddMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [StorageFact]
    public async Task AnotherUsersTokenIsForbiddenOrFindsNothingOnEveryEndpointAndNothingChanges()
    {
        var world = await WorldAsync();
        var stranger = await _api.Accounts.TokenOfAsync(_api.Http, world.B);
        var before = await SnapshotAsync(world);

        foreach (var endpoint in Endpoints(world))
        {
            var response = await SendAsync(endpoint, stranger);
            if (endpoint.Path == $"/api/v1/orders/{world.OrderId}" || endpoint.Path == $"/api/v1/orders/{world.OrderId}/payments")
            {
                // To a stranger another user's order does not exist.
                await AssertRefusedAsync(response, endpoint, HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
            }
            else
            {
                await AssertRefusedAsync(response, endpoint, HttpStatusCode.Forbidden, "FORBIDDEN");
            }
        }

        // With B's own id in the body, A's order is still not B's to pay or cancel.
        foreach (var action in new[] { "payment", "cancel" })
        {
            var endpoint = new Endpoint(HttpMethod.Post, $"/api/v1/orders/{world.OrderId}/{action}", new { userId = world.B }, Scope.User);
            await AssertRefusedAsync(await SendAsync(endpoint, stranger), endpoint, HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        }

        Assert.Equal(before, await SnapshotAsync(world));
    }

    [StorageFact]
    public async Task TheOwnerMayUseTheirOwnEndpointsAndAnAdminMayReadThemButNotSpendForThem()
    {
        var world = await WorldAsync();
        var admin = await _api.Accounts.AdminTokenAsync(_api.Http);
        var reads = Endpoints(world).Where(e => e.Scope == Scope.User && e.Method == HttpMethod.Get).ToList();
        Assert.Equal(8, reads.Count);

        foreach (var endpoint in reads)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(endpoint, admin)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(endpoint, await _api.Accounts.TokenOfAsync(_api.Http, world.A))).StatusCode);
        }

        var charge = new Endpoint(HttpMethod.Post, $"/api/v1/users/{world.A}/balance/charge", new { amount = 1_000 }, Scope.User);
        await AssertRefusedAsync(await SendAsync(charge, admin), charge, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(50_000, await _api.GetBalanceAsync(world.A));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(charge, await _api.Accounts.TokenOfAsync(_api.Http, world.A))).StatusCode);
        Assert.Equal(51_000, await _api.GetBalanceAsync(world.A));
    }

    [StorageFact]
    public async Task AUsersTokenIsForbiddenFromEveryAdminEndpointAndTheDashboard()
    {
        var world = await WorldAsync();
        var user = await _api.Accounts.TokenOfAsync(_api.Http, world.A);
        var before = await SnapshotAsync(world);

        foreach (var endpoint in Endpoints(world).Where(e => e.Scope == Scope.Admin)
                     .Append(new Endpoint(HttpMethod.Get, "/admin", null, Scope.Admin))
                     .Append(new Endpoint(HttpMethod.Get, "/dashboard", null, Scope.Admin)))
        {
            await AssertRefusedAsync(await SendAsync(endpoint, user), endpoint, HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        Assert.Equal(before, await SnapshotAsync(world));
    }

    [StorageFact]
    public async Task PublicReadsAndHealthNeedNoToken()
    {
        var world = await WorldAsync();

        foreach (var path in new[]
                 {
                     "/api/v1/products", $"/api/v1/products/{world.ProductId}", "/api/v1/products/top", $"/api/v1/coupons/{world.CouponId}",
                     "/api/v1/coupons", "/api/v1/coupons?open=true",
                     "/health/live", "/health/ready", "/swagger/v1/swagger.json", "/login",
                 })
        {
            var response = await _api.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, Endpoint endpoint, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{endpoint.Method} {endpoint.Path}: expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        await Problems.AssertAsync(response, status, code);
    }

    private string Mint(long userId, bool isAdmin, DateTime expires, SecurityKey? key = null)
    {
        var auth = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var signingKey = key ?? factory.Services.GetRequiredService<SigningKeys>().Current;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = (System.Security.Claims.ClaimsIdentity)Caller.Principal(userId, isAdmin, "test").Identity!,
            IssuedAt = expires.AddMinutes(-10),
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });
    }

    private static string WithPayloadOf(string signed, string other)
    {
        var parts = signed.Split('.');
        parts[1] = other.Split('.')[1];
        return string.Join('.', parts);
    }

    private static string FlipLastSignatureBit(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[^1] ^= 1;
        parts[2] = Base64UrlEncoder.Encode(signature);
        return string.Join('.', parts);
    }

    internal static string PayloadOf(string token) => Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));
}
