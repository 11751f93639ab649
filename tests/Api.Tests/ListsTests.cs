using System.Net;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests;

/// <summary>The lists a client reads: a user's orders, the coupons that can be issued, an order's payment attempts, and
/// the user's coupon copies with the order that holds them.</summary>
public abstract class ListsTests(ApiFactory factory)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task AUsersOrdersArePagedNewestFirstWithTheirCurrentStatus()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 100_000);
        var product = await _api.CreateProductAsync(1_000, 100);
        var created = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            created.Add((await _api.CreateOrderAsync(user.UserId, [(product.ProductId, i)])).OrderId);
        }

        await _api.PayAsync(created[1], user.UserId);
        await ApiClient.ReadAsync<Orders.OrderResponse>(await _api.CancelRawAsync(created[3], user.UserId), HttpStatusCode.OK);

        var pages = new[] { await _api.ListUserOrdersAsync(user.UserId, 1, 2), await _api.ListUserOrdersAsync(user.UserId, 2, 2),
            await _api.ListUserOrdersAsync(user.UserId, 3, 2), await _api.ListUserOrdersAsync(user.UserId, 4, 2) };

        Assert.All(pages, p => Assert.Equal((5, 2), (p.Total, p.Size)));
        Assert.Equal([2, 2, 1, 0], pages.Select(p => p.Items.Count));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(Enumerable.Reverse(created), listed.Select(o => o.OrderId));
        Assert.Equal(["PENDING_PAYMENT", "CANCELLED", "PENDING_PAYMENT", "PAID", "PENDING_PAYMENT"], listed.Select(o => o.Status));
        Assert.Equal([5_000, 4_000, 3_000, 2_000, 1_000], listed.Select(o => o.PayAmount));
        Assert.All(listed, o => Assert.Equal(product.ProductId, Assert.Single(o.Items).ProductId));
        Assert.True(listed.Zip(listed.Skip(1)).All(pair => pair.First.CreatedAt >= pair.Second.CreatedAt));
    }

    [StorageFact]
    public async Task AnotherUserIsForbiddenTheListAndAnAdminMayReadIt()
    {
        var owner = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        var order = await _api.CreateOrderAsync(owner.UserId, [(product.ProductId, 1)]);

        await Problems.AssertAsync(await _api.As(other.UserId).GetAsync($"/api/v1/users/{owner.UserId}/orders"),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        var asAdmin = await ApiClient.ReadAsync<Orders.OrderPageResponse>(
            await _api.GetAsync($"/api/v1/users/{owner.UserId}/orders"), HttpStatusCode.OK);
        Assert.Equal(order.OrderId, Assert.Single(asAdmin.Items).OrderId);
        Assert.Equal(0, (await _api.ListUserOrdersAsync(other.UserId)).Total);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Http.GetAsync($"/api/v1/users/{owner.UserId}/orders")).StatusCode);
    }

    [StorageFact]
    public async Task ABadPageOrSizeIsAValidationProblem()
    {
        var user = await _api.CreateUserAsync();
        foreach (var (page, size) in new[] { (0, 20), (-1, 20), (1, 0), (1, 101) })
        {
            await Problems.AssertAsync(await _api.ListUserOrdersRawAsync(user.UserId, page, size), HttpStatusCode.BadRequest,
                "VALIDATION_FAILED");
            await Problems.AssertAsync(await _api.Http.GetAsync($"/api/v1/coupons?open=true&page={page}&size={size}"),
                HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        await Problems.AssertAsync(await _api.GetAsync("/api/v1/users/0/orders"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.GetAsync("/api/v1/orders/0/payments"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.GetAsync("/api/v1/users/999999999/orders"), HttpStatusCode.NotFound, "USER_NOT_FOUND");
        Assert.Equal(100, (await _api.ListUserOrdersAsync(user.UserId, 1, 100)).Size);
    }

    [StorageFact]
    public async Task FiftyOrdersCreatedAtOnceByOneUserAreExactlyFiftyInTheList()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(100, 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)])));
        var created = new List<long>();
        foreach (var response in responses)
        {
            created.Add((await ApiClient.ReadAsync<Orders.OrderResponse>(response, HttpStatusCode.Created)).OrderId);
        }

        var list = await _api.ListUserOrdersAsync(user.UserId, 1, 100);
        Assert.Equal(50, list.Total);
        Assert.Equal(created.Order(), list.Items.Select(o => o.OrderId).Order());
        Assert.All(list.Items, o => Assert.Equal("PENDING_PAYMENT", o.Status));
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ACreationRefusedAfterItsIntentWasStoredNeverAppears()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        // Not issued to the user: refused by the coupon's hold, after the intent and the product's hold were taken.
        var coupon = await _api.CreateCouponAsync(100, 1);

        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)], coupon.CouponId),
            HttpStatusCode.Conflict, "COUPON_NOT_USABLE");
        var empty = await _api.ListUserOrdersAsync(user.UserId);
        Assert.Equal((0, 0), (empty.Total, empty.Items.Count));

        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        var list = await _api.ListUserOrdersAsync(user.UserId);
        Assert.Equal(1, list.Total);
        Assert.Equal(order.OrderId, Assert.Single(list.Items).OrderId);
        Assert.Equal(9, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ASoldOutCouponLeavesTheOpenListAndStaysInTheFullList()
    {
        var first = await _api.CreateUserAsync();
        var second = await _api.CreateUserAsync();
        var scarce = await _api.CreateCouponAsync(500, 2);
        var plenty = await _api.CreateCouponAsync(300, 5);
        Assert.Contains(scarce.CouponId, await OpenCouponIdsAsync());
        Assert.Contains(plenty.CouponId, await OpenCouponIdsAsync());

        await _api.IssueCouponAsync(scarce.CouponId, first.UserId);
        Assert.Contains(scarce.CouponId, await OpenCouponIdsAsync());
        await _api.IssueCouponAsync(scarce.CouponId, second.UserId);
        await _api.IssueCouponAsync(plenty.CouponId, second.UserId);

        // The page's coupons are read live, so the sold-out one is gone at once; the directory's count follows its note.
        Assert.DoesNotContain(scarce.CouponId, await OpenCouponIdsAsync());
        Assert.Contains(plenty.CouponId, await OpenCouponIdsAsync());
        var open = await _api.ListCouponsAsync(open: true);
        await Eventually.WaitAsync(() => _api.ListCouponsAsync(open: true), page => page.Total == open.Items.Count, Deadline,
            "the directory counts only open coupons");

        var all = await AllCouponsAsync(open: false);
        var listedScarce = Assert.Single(all, c => c.CouponId == scarce.CouponId);
        Assert.Equal((2, 0), (listedScarce.IssuedQuantity, listedScarce.Remaining));
        Assert.Equal((1, 4), (all.Single(c => c.CouponId == plenty.CouponId).IssuedQuantity,
            all.Single(c => c.CouponId == plenty.CouponId).Remaining));
        Assert.Equal(all.Select(c => c.CouponId), (await AllCouponsAsync(open: null)).Select(c => c.CouponId));
        Assert.Equal(all.Select(c => c.CouponId).Order(), all.Select(c => c.CouponId));
    }

    [StorageFact]
    public async Task AnExpiredCouponLeavesTheOpenList()
    {
        var coupon = await _api.CreateCouponAsync(500, 3, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Contains(coupon.CouponId, await OpenCouponIdsAsync());

        await Eventually.WaitAsync(OpenCouponIdsAsync, ids => !ids.Contains(coupon.CouponId), Deadline, "expired");

        Assert.Contains(coupon.CouponId, (await AllCouponsAsync(open: false)).Select(c => c.CouponId));
    }

    [StorageFact]
    public async Task AnOrdersPaymentsListAFailedAndThenASuccessfulAttemptToItsOwnerOnly()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(2_000, 10);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)]);
        Assert.Empty(await _api.ListPaymentsAsync(order.OrderId, user.UserId));

        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, user.UserId), HttpStatusCode.Conflict, "BALANCE_INSUFFICIENT");
        await _api.ChargeAsync(user.UserId, 10_000);
        await _api.PayAsync(order.OrderId, user.UserId);

        var payments = await _api.ListPaymentsAsync(order.OrderId, user.UserId);
        Assert.Equal([("FAILED", "BALANCE_INSUFFICIENT"), ("SUCCESS", null)], payments.Select(p => (p.Status, p.FailureReason)));
        Assert.All(payments, p => Assert.Equal((order.OrderId, 4_000L), (p.OrderId, p.Amount)));
        Assert.True(payments[0].CreatedAt <= payments[1].CreatedAt);

        await Problems.AssertAsync(await _api.As(other.UserId).GetAsync($"/api/v1/orders/{order.OrderId}/payments"),
            HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        Assert.Equal(2, (await ApiClient.ReadAsync<List<Orders.PaymentAttemptResponse>>(
            await _api.GetAsync($"/api/v1/orders/{order.OrderId}/payments"), HttpStatusCode.OK)).Count);
        await Problems.AssertAsync(await _api.GetAsync("/api/v1/orders/999999999/payments"), HttpStatusCode.NotFound,
            "ORDER_NOT_FOUND");
    }

    [StorageFact]
    public async Task AUsersCouponNamesTheOrderThatHoldsIt()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        var coupon = await _api.CreateCouponAsync(200, 3);
        await _api.IssueCouponAsync(coupon.CouponId, user.UserId);
        var available = Assert.Single(await _api.GetUserCouponsAsync(user.UserId));
        Assert.Equal(("AVAILABLE", (long?)null), (available.Status, available.OrderId));

        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)], coupon.CouponId);

        var held = Assert.Single(await _api.GetUserCouponsAsync(user.UserId));
        Assert.Equal((coupon.CouponId, "RESERVED", (long?)order.OrderId, 200L),
            (held.CouponId, held.Status, held.OrderId, held.DiscountAmount));
    }

    [StorageFact]
    public async Task TheOpenApiDocumentNamesTheListEndpoints()
    {
        var document = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await _api.GetAsync("/swagger/v1/swagger.json"),
            HttpStatusCode.OK);
        var paths = document.GetProperty("paths");

        foreach (var (path, operationId) in new[]
                 {
                     ("/api/v1/users/{userId}/orders", "ListUserOrders"), ("/api/v1/coupons", "ListCoupons"),
                     ("/api/v1/orders/{orderId}/payments", "ListOrderPayments"),
                 })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.Equal(operationId, get.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()));
        }
    }

    private async Task<List<long>> OpenCouponIdsAsync() =>
        (await AllCouponsAsync(open: true)).Select(c => c.CouponId).ToList();

    private async Task<List<Coupons.CouponResponse>> AllCouponsAsync(bool? open)
    {
        var all = new List<Coupons.CouponResponse>();
        for (var page = 1; ; page++)
        {
            var found = await _api.ListCouponsAsync(open, page, 100);
            all.AddRange(found.Items);
            if ((long)page * found.Size >= found.Total)
            {
                return all;
            }
        }
    }
}

public sealed class ListsOnSqlite(SqliteApi factory) : ListsTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class ListsOnPostgres(PostgresApi factory) : ListsTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class ListsOnMySql(MySqlApi factory) : ListsTests(factory), IClassFixture<MySqlApi>;
