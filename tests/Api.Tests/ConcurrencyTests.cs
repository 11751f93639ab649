using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests;

/// <summary>Bursts of simultaneous requests on one grain end in exact counts.</summary>
public abstract class ConcurrencyTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task TwoHundredUsersRacingForFiftyCouponsGetExactlyFifty()
    {
        var users = await CreateUsersAsync(200);
        var coupon = await _api.CreateCouponAsync(1_000, 50);

        var responses = await Task.WhenAll(users.Select(u => _api.IssueCouponRawAsync(coupon.CouponId, u.UserId)));

        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(150, await CountCodeAsync(responses, "COUPON_SOLD_OUT"));
        var after = await _api.GetCouponAsync(coupon.CouponId);
        Assert.Equal((50, 0), (after.IssuedQuantity, after.Remaining));
        var holders = await Task.WhenAll(users.Select(async u => (await _api.GetUserCouponsAsync(u.UserId)).Count));
        Assert.Equal(50, holders.Sum());
    }

    [StorageFact]
    public async Task OneUserIssuingTwentyTimesAtOnceGetsOneCoupon()
    {
        var user = await _api.CreateUserAsync();
        var coupon = await _api.CreateCouponAsync(1_000, 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _api.IssueCouponRawAsync(coupon.CouponId, user.UserId)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, await CountCodeAsync(responses, "COUPON_ALREADY_ISSUED"));
        Assert.Equal(1, (await _api.GetCouponAsync(coupon.CouponId)).IssuedQuantity);
        Assert.Single(await _api.GetUserCouponsAsync(user.UserId));
    }

    [StorageFact]
    public async Task ThirtyConcurrentOrdersForTenUnitsCreateTenOrdersAndEmptyTheStock()
    {
        var users = await CreateUsersAsync(30);
        var product = await _api.CreateProductAsync(500, 10);

        var responses = await Task.WhenAll(users.Select(u => _api.CreateOrderRawAsync(u.UserId, [(product.ProductId, 1)])));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(20, await CountCodeAsync(responses, "STOCK_INSUFFICIENT"));
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task PayingOneOrderTenTimesAtOnceMarksItPaidAndDebitsOnce()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(3_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.PayRawAsync(order.OrderId, user.UserId)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, await CountCodeAsync(responses, "ORDER_NOT_PAYABLE"));
        Assert.Equal("PAID", (await _api.GetOrderAsync(order.OrderId)).Status);
        Assert.Equal(7_000, await _api.GetBalanceAsync(user.UserId));
        Assert.Single(await _api.GetHistoryAsync(user.UserId), h => h.Type == "USE");
        Assert.Equal(4, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ConcurrentChargesAndPaymentsOnOneWalletAddUpExactlyAndNeverGoNegative()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(1_000, 100);
        var orders = new List<OrderResponse>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add(await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]));
        }

        var payments = orders.Select(o => _api.PayRawAsync(o.OrderId, user.UserId)).ToList();
        var charges = Enumerable.Range(0, 10).Select(_ => _api.ChargeRawAsync(user.UserId, 500)).ToList();
        var paid = await Task.WhenAll(payments);
        var charged = await Task.WhenAll(charges);

        Assert.All(charged, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var successes = paid.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(20 - successes, await CountCodeAsync(paid, "BALANCE_INSUFFICIENT"));
        Assert.InRange(successes, 10, 15);
        var balance = await _api.GetBalanceAsync(user.UserId);
        Assert.Equal(10_000 + 10 * 500 - 1_000 * successes, balance);
        var history = await _api.GetHistoryAsync(user.UserId);
        Assert.Equal(successes, history.Count(h => h.Type == "USE"));
        Assert.Equal(11, history.Count(h => h.Type == "CHARGE"));
        Assert.All(history, h => Assert.True(h.BalanceAfter >= 0));
        Assert.Equal(balance, history[0].BalanceAfter);
        var statuses = await Task.WhenAll(orders.Select(async o => (await _api.GetOrderAsync(o.OrderId)).Status));
        Assert.Equal(successes, statuses.Count(s => s == "PAID"));
        Assert.Equal(20 - successes, statuses.Count(s => s == "PENDING_PAYMENT"));
    }

    [StorageFact]
    public async Task OneCouponOnTwoOrdersAtOnceIsReservedByOneAndUsedOnce()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(2_000, 10);
        var coupon = await _api.CreateCouponAsync(500, 5);
        await _api.IssueCouponAsync(coupon.CouponId, user.UserId);

        var responses = await Task.WhenAll(
            _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)], coupon.CouponId),
            _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 2)], coupon.CouponId));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await CountCodeAsync(responses, "COUPON_NOT_USABLE"));
        var order = await ApiClient.ReadAsync<OrderResponse>(created, HttpStatusCode.Created);
        var payment = await _api.PayAsync(order.OrderId, user.UserId);
        Assert.Equal(order.TotalPrice - 500, payment.PaidAmount);
        Assert.Equal(10_000 - payment.PaidAmount, payment.Balance);
        var held = Assert.Single(await _api.GetUserCouponsAsync(user.UserId));
        Assert.Equal("USED", held.Status);
        Assert.Equal(10 - order.Items.Single().Quantity, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    private async Task<UserResponse[]> CreateUsersAsync(int count)
    {
        var users = new List<UserResponse>(count);
        // Small batches: set-up, not the race under test.
        foreach (var batch in Enumerable.Range(0, count).Chunk(20))
        {
            users.AddRange(await Task.WhenAll(batch.Select(_ => _api.CreateUserAsync())));
        }

        return [.. users];
    }

    private static async Task<int> CountCodeAsync(IEnumerable<HttpResponseMessage> responses, string code)
    {
        var codes = await Task.WhenAll(responses.Select(Problems.CodeOfAsync));
        return codes.Count(c => c == code);
    }
}

public sealed class ConcurrencyOnSqlite(SqliteApi factory) : ConcurrencyTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class ConcurrencyOnPostgres(PostgresApi factory) : ConcurrencyTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class ConcurrencyOnMySql(MySqlApi factory) : ConcurrencyTests(factory), IClassFixture<MySqlApi>;
