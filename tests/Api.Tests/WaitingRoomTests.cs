using System.Net;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests;

/// <summary>Flash-sale waiting rooms over HTTP: admin set-up, tokens, the gates on coupon issue and order creation,
/// and a burst of users taking tokens at once. Intervals are 1 s, so each test takes a few seconds.</summary>
public abstract class WaitingRoomTests(ApiFactory factory)
{
    private const long Missing = 9_000_000_000;

    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task SetUpIsForAdminsAndBadInputIsAStableProblem()
    {
        var user = await _api.CreateUserAsync();
        var coupon = await _api.CreateCouponAsync(1_000, 10);
        var good = new { admitPerInterval = 5, interval = 1, admissionWindow = 60 };

        await Problems.AssertAsync(await _api.OpenQueueRawAsync("coupons", coupon.CouponId, good, asUser: user.UserId),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await _api.OpenQueueRawAsync("tickets", coupon.CouponId, good),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        foreach (var bad in new object[]
                 {
                     new { admitPerInterval = 0, interval = 1, admissionWindow = 60 },
                     new { admitPerInterval = 5, interval = 0.05, admissionWindow = 60 },
                     new { admitPerInterval = 5, interval = 7200, admissionWindow = 60 },
                     new { admitPerInterval = 5, interval = 1, admissionWindow = 0 },
                     new { admitPerInterval = 5, interval = 1 },
                 })
        {
            await Problems.AssertAsync(await _api.OpenQueueRawAsync("coupons", coupon.CouponId, bad),
                HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        await Problems.AssertAsync(await _api.OpenQueueRawAsync("coupons", Missing, good), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await Problems.AssertAsync(await _api.OpenQueueRawAsync("products", Missing, good), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await Problems.AssertAsync(await _api.TakeTokenRawAsync("coupons", coupon.CouponId, user.UserId),
            HttpStatusCode.NotFound, "QUEUE_NOT_FOUND");
        Assert.Equal(HttpStatusCode.NoContent, (await _api.CloseQueueRawAsync("coupons", coupon.CouponId)).StatusCode);
        // Nothing half-written: the coupon still issues without a token.
        Assert.Equal(HttpStatusCode.Created, (await _api.IssueCouponRawAsync(coupon.CouponId, user.UserId, queueToken: null)).StatusCode);
    }

    [StorageFact]
    public async Task WithoutATokenEveryRoomEndpointIsUnauthenticatedAndSwaggerListsThem()
    {
        var coupon = await _api.CreateCouponAsync(1_000, 10);
        var path = $"/api/v1/admin/queues/coupons/{coupon.CouponId}";
        foreach (var request in new[]
                 {
                     new HttpRequestMessage(HttpMethod.Put, path) { Content = System.Net.Http.Json.JsonContent.Create(new { admitPerInterval = 1, interval = 1, admissionWindow = 60 }) },
                     new HttpRequestMessage(HttpMethod.Get, path),
                     new HttpRequestMessage(HttpMethod.Delete, path),
                     new HttpRequestMessage(HttpMethod.Post, $"/api/v1/queues/coupons/{coupon.CouponId}/tokens"),
                     new HttpRequestMessage(HttpMethod.Get, $"/api/v1/queues/coupons/{coupon.CouponId}/tokens/abc"),
                 })
        {
            await Problems.AssertAsync(await _api.Http.SendAsync(request), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        var document = await _api.Http.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var paths = System.Text.Json.JsonDocument.Parse(await document.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/admin/queues/{kind}/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/queues/{kind}/{id}/tokens/{token}", out _));
    }

    [StorageFact]
    public async Task ACouponBehindARoomIssuesOnlyWithTheUsersAdmittedTokenUntilTheRoomIsRemoved()
    {
        var first = await _api.CreateUserAsync();
        var second = await _api.CreateUserAsync();
        var coupon = await _api.CreateCouponAsync(1_000, 10);
        var opened = await _api.OpenQueueAsync("coupons", coupon.CouponId, admitPerInterval: 1, interval: 1, admissionWindow: 60);
        Assert.Equal(("coupons", coupon.CouponId, 1, 1.0, 60.0), (opened.Kind, opened.Id, opened.AdmitPerInterval, opened.Interval, opened.AdmissionWindow));

        var ticket = await _api.TakeTokenAsync("coupons", coupon.CouponId, first.UserId);
        var again = await _api.TakeTokenRawAsync("coupons", coupon.CouponId, first.UserId);
        var same = await ApiClient.ReadAsync<Queues.QueueTicketResponse>(again, HttpStatusCode.Created);
        Assert.Equal((ticket.Token, 1), (same.Token, same.Position));

        var withoutToken = await Problems.AssertAsync(await _api.IssueCouponRawAsync(coupon.CouponId, first.UserId, queueToken: null),
            HttpStatusCode.Forbidden, "QUEUE_TOKEN_REQUIRED");
        var badToken = await Problems.AssertAsync(await _api.IssueCouponRawAsync(coupon.CouponId, first.UserId, "not-a-token"),
            HttpStatusCode.Forbidden, "QUEUE_TOKEN_REQUIRED");
        Assert.NotEqual(withoutToken.GetProperty("detail").GetString(), badToken.GetProperty("detail").GetString());

        var admitted = await _api.WaitUntilAdmittedAsync("coupons", coupon.CouponId, ticket.Token, first.UserId);
        Assert.Equal("ADMITTED", admitted.Status);
        Assert.NotNull(admitted.AdmittedUntil);
        // Another user's token is theirs alone: unknown to the poll, refused at the gate.
        await Problems.AssertAsync(await _api.GetTokenRawAsync("coupons", coupon.CouponId, ticket.Token, second.UserId),
            HttpStatusCode.NotFound, "QUEUE_TOKEN_NOT_FOUND");
        await Problems.AssertAsync(await _api.IssueCouponRawAsync(coupon.CouponId, second.UserId, ticket.Token),
            HttpStatusCode.Forbidden, "QUEUE_TOKEN_REQUIRED");
        Assert.Equal(0, (await _api.GetCouponAsync(coupon.CouponId)).IssuedQuantity);

        Assert.Equal(HttpStatusCode.Created, (await _api.IssueCouponRawAsync(coupon.CouponId, first.UserId, ticket.Token)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _api.CloseQueueRawAsync("coupons", coupon.CouponId)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.CloseQueueRawAsync("coupons", coupon.CouponId)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _api.IssueCouponRawAsync(coupon.CouponId, second.UserId, queueToken: null)).StatusCode);
        await Problems.AssertAsync(await _api.GetTokenRawAsync("coupons", coupon.CouponId, ticket.Token, first.UserId),
            HttpStatusCode.NotFound, "QUEUE_NOT_FOUND");
        Assert.Equal(2, (await _api.GetCouponAsync(coupon.CouponId)).IssuedQuantity);
    }

    [StorageFact]
    public async Task AProductBehindARoomIsOrderedOnlyWithAnAdmittedTokenAndARefusalHoldsNoStock()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        await _api.OpenQueueAsync("products", product.ProductId, admitPerInterval: 10, interval: 1, admissionWindow: 60);
        var ticket = await _api.TakeTokenAsync("products", product.ProductId, user.UserId);

        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, product.ProductId, 2, queueToken: null),
            HttpStatusCode.Forbidden, "QUEUE_TOKEN_REQUIRED");
        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, product.ProductId, 2, "not-a-token"),
            HttpStatusCode.Forbidden, "QUEUE_TOKEN_REQUIRED");
        Assert.Equal(10, (await _api.GetProductAsync(product.ProductId)).Stock);

        await _api.WaitUntilAdmittedAsync("products", product.ProductId, ticket.Token, user.UserId);
        Assert.Equal(HttpStatusCode.Created, (await _api.CreateOrderRawAsync(user.UserId, product.ProductId, 2, ticket.Token)).StatusCode);
        Assert.Equal(8, (await _api.GetProductAsync(product.ProductId)).Stock);

        Assert.Equal(HttpStatusCode.NoContent, (await _api.CloseQueueRawAsync("products", product.ProductId)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _api.CreateOrderRawAsync(user.UserId, product.ProductId, 1, queueToken: null)).StatusCode);
        Assert.Equal(7, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ThreeHundredUsersTakingTokensAtOnceGetPositionsOneToThreeHundredAndEachBoundaryAdmitsExactlyItsShare()
    {
        const int Users = 300;
        const int PerInterval = 100;
        var users = new List<long>();
        foreach (var chunk in Enumerable.Range(0, Users).Chunk(50))
        {
            users.AddRange((await Task.WhenAll(chunk.Select(_ => _api.CreateUserAsync()))).Select(u => u.UserId));
        }

        var coupon = await _api.CreateCouponAsync(1_000, Users);
        await _api.OpenQueueAsync("coupons", coupon.CouponId, PerInterval, interval: 1, admissionWindow: 60);

        var tickets = await Task.WhenAll(users.Select(u => _api.TakeTokenAsync("coupons", coupon.CouponId, u)));

        Assert.Equal(Enumerable.Range(1, Users), tickets.Select(t => t.Position).Order());
        Assert.Equal(Users, tickets.Select(t => t.Token).Distinct().Count());
        var room = await Eventually.WaitAsync(() => _api.GetQueueAsync("coupons", coupon.CouponId), q => q.Admitted == Users,
            TimeSpan.FromSeconds(30), "all admitted");
        Assert.Equal(Users, room.Tokens);
        Assert.All(room.Admissions, a => Assert.InRange(a.Count, 1, PerInterval));
        Assert.Equal(Users, room.Admissions.Sum(a => a.Count));

        // The rule replayed here from the answered arrival times: at each 1 s boundary after opening, the next at most
        // 100 tokens that arrived before it, in position order.
        var views = (await Task.WhenAll(users.Select((u, i) => _api.GetTokenAsync("coupons", coupon.CouponId, tickets[i].Token, u))))
            .OrderBy(v => v.Position).ToList();
        Assert.All(views, v => Assert.Equal("ADMITTED", v.Status));
        var expected = new List<DateTimeOffset>();
        var boundary = room.OpenedAt;
        var taken = 0;
        while (taken < Users)
        {
            boundary = boundary.AddSeconds(1);
            var batch = 0;
            while (taken < Users && batch < PerInterval && views[taken].ArrivedAt < boundary)
            {
                expected.Add(boundary);
                taken++;
                batch++;
            }
        }

        Assert.Equal(expected, views.Select(v => v.AdmittedAt!.Value));
        Assert.Equal(room.Admissions.Select(a => a.At), expected.Distinct());
    }
}

public sealed class WaitingRoomOnSqlite(SqliteApi factory) : WaitingRoomTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class WaitingRoomOnPostgres(PostgresApi factory) : WaitingRoomTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class WaitingRoomOnMySql(MySqlApi factory) : WaitingRoomTests(factory), IClassFixture<MySqlApi>;
