using System.Net;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests;

/// <summary>Orders:PaymentTimeout is two seconds here; the durable reminder expires unpaid orders.</summary>
public abstract class ExpiryTests(ApiFactory factory)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task AnUnpaidOrderExpiresAndGivesBackItsStockAndItsCoupon()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(1_000, 5);
        var coupon = await _api.CreateCouponAsync(300, 1);
        await _api.IssueCouponAsync(coupon.CouponId, user.UserId);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)], coupon.CouponId);

        await Eventually.WaitAsync(() => _api.GetOrderAsync(order.OrderId), o => o.Status == "EXPIRED", Deadline, "expired");

        Assert.Equal(5, (await _api.GetProductAsync(product.ProductId)).Stock);
        Assert.Equal("AVAILABLE", Assert.Single(await _api.GetUserCouponsAsync(user.UserId)).Status);
        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, user.UserId), HttpStatusCode.Conflict, "ORDER_NOT_PAYABLE");
        Assert.Equal(10_000, await _api.GetBalanceAsync(user.UserId));
        var again = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 5)], coupon.CouponId);
        Assert.Equal(300, again.DiscountAmount);
    }

    [StorageFact]
    public async Task AnExpiredOrderReadsExpiredInItsUsersList()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        Assert.Equal("PENDING_PAYMENT", Assert.Single((await _api.ListUserOrdersAsync(user.UserId)).Items).Status);

        await Eventually.WaitAsync(() => _api.ListUserOrdersAsync(user.UserId), page => page.Items.Single().Status == "EXPIRED",
            Deadline, "expired in the list");

        var listed = await _api.ListUserOrdersAsync(user.UserId);
        Assert.Equal((1, order.OrderId), (listed.Total, listed.Items.Single().OrderId));
    }

    [StorageFact]
    public async Task CancellingAnExpiredOrderIsNotCancellableAndLeavesItExpired()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)]);
        await Eventually.WaitAsync(() => _api.GetOrderAsync(order.OrderId), o => o.Status == "EXPIRED", Deadline, "expired");

        await Problems.AssertAsync(await _api.CancelRawAsync(order.OrderId, user.UserId), HttpStatusCode.Conflict, "ORDER_NOT_CANCELLABLE");

        Assert.Equal("EXPIRED", (await _api.GetOrderAsync(order.OrderId)).Status);
        Assert.Equal(5, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task APaidOrderStaysPaidWhenALaterUnpaidOneExpires()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(1_000, 5);
        var paid = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        await _api.PayAsync(paid.OrderId, user.UserId);
        var unpaid = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        await Eventually.WaitAsync(() => _api.GetOrderAsync(unpaid.OrderId), o => o.Status == "EXPIRED", Deadline, "expired");

        Assert.Equal("PAID", (await _api.GetOrderAsync(paid.OrderId)).Status);
        Assert.Equal(4, (await _api.GetProductAsync(product.ProductId)).Stock);
        Assert.Equal(9_000, await _api.GetBalanceAsync(user.UserId));
    }
}

public sealed class ExpiryOnSqlite(SqliteApiWithShortPaymentTimeout factory)
    : ExpiryTests(factory), IClassFixture<SqliteApiWithShortPaymentTimeout>;

[RequiresPostgres]
public sealed class ExpiryOnPostgres(PostgresApiWithShortPaymentTimeout factory)
    : ExpiryTests(factory), IClassFixture<PostgresApiWithShortPaymentTimeout>;

[RequiresMySql]
public sealed class ExpiryOnMySql(MySqlApiWithShortPaymentTimeout factory)
    : ExpiryTests(factory), IClassFixture<MySqlApiWithShortPaymentTimeout>;
