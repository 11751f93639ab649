using System.Net;
using System.Text.Json;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests;

public abstract class CommerceFlowTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task ChargingIssuingACouponOrderingTwoProductsAndPayingDebitsTheDiscountedTotalOnceAndRecordsHistory()
    {
        var user = await _api.CreateUserAsync("Kim");
        Assert.Equal(50_000, (await _api.ChargeAsync(user.UserId, 50_000)).Balance);
        var lamp = await _api.CreateProductAsync(price: 12_000, stock: 10, name: "Lamp");
        var mug = await _api.CreateProductAsync(price: 3_500, stock: 5, name: "Mug");
        var coupon = await _api.CreateCouponAsync(discountAmount: 5_000, totalQuantity: 10);
        var issued = await _api.IssueCouponAsync(coupon.CouponId, user.UserId);
        Assert.Equal("AVAILABLE", issued.Status);

        var created = await _api.CreateOrderRawAsync(user.UserId, [(lamp.ProductId, 2), (mug.ProductId, 3)], coupon.CouponId);
        var raw = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("PENDING_PAYMENT", raw.GetProperty("status").GetString());
        var order = raw.Deserialize<OrderResponse>(ApiClient.Json)!;
        Assert.Equal(
            [new OrderLineResponse(lamp.ProductId, "Lamp", 2, 12_000, 24_000, lamp.ProductId, "default"),
                new OrderLineResponse(mug.ProductId, "Mug", 3, 3_500, 10_500, mug.ProductId, "default")],
            order.Items);
        Assert.Equal((34_500, 5_000, 29_500, coupon.CouponId), (order.TotalPrice, order.DiscountAmount, order.PayAmount, order.CouponId));
        Assert.Equal((8, 2), ((await _api.GetProductAsync(lamp.ProductId)).Stock, (await _api.GetProductAsync(mug.ProductId)).Stock));
        Assert.Equal("RESERVED", Assert.Single(await _api.GetUserCouponsAsync(user.UserId)).Status);

        var payment = await _api.PayAsync(order.OrderId, user.UserId);

        Assert.Equal((order.OrderId, "PAID", 29_500L, 20_500L), (payment.OrderId, payment.Status, payment.PaidAmount, payment.Balance));
        var paid = await _api.GetOrderAsync(order.OrderId);
        Assert.Equal("PAID", paid.Status);
        Assert.NotNull(paid.PaidAt);
        Assert.Equal(20_500, await _api.GetBalanceAsync(user.UserId));
        var history = await _api.GetHistoryAsync(user.UserId);
        Assert.Equal(2, history.Count);
        Assert.Equal(("USE", 29_500L, 20_500L, (long?)order.OrderId), (history[0].Type, history[0].Amount, history[0].BalanceAfter, history[0].OrderId));
        Assert.Equal(("CHARGE", 50_000L, 50_000L, (long?)null), (history[1].Type, history[1].Amount, history[1].BalanceAfter, history[1].OrderId));
        var used = Assert.Single(await _api.GetUserCouponsAsync(user.UserId));
        Assert.Equal(("USED", 5_000L), (used.Status, used.DiscountAmount));
        Assert.NotNull(used.UsedAt);
        var couponAfter = await _api.GetCouponAsync(coupon.CouponId);
        Assert.Equal((1, 9), (couponAfter.IssuedQuantity, couponAfter.Remaining));
        Assert.Equal((8, 2), ((await _api.GetProductAsync(lamp.ProductId)).Stock, (await _api.GetProductAsync(mug.ProductId)).Stock));
    }

    [StorageFact]
    public async Task ACreatedUserIsReturnedWithItsLocationAndAnEmptyWallet()
    {
        var email = $"{Guid.NewGuid():N}@Example.com";
        var response = await _api.PostAsync("/api/v1/users", new { name = "Lee", email, password = "lee-password" });
        var created = await ApiClient.ReadAsync<UserResponse>(response, HttpStatusCode.Created);

        Assert.Equal($"/api/v1/users/{created.UserId}", response.Headers.Location?.OriginalString);
        Assert.Equal(("Lee", email.ToLowerInvariant()), (created.Name, created.Email));
        Assert.Equal(created, await ApiClient.ReadAsync<UserResponse>(await _api.GetAsync($"/api/v1/users/{created.UserId}"), HttpStatusCode.OK));
        Assert.Equal(0, await _api.GetBalanceAsync(created.UserId));
        Assert.Empty(await _api.GetHistoryAsync(created.UserId));
        Assert.Empty(await _api.GetUserCouponsAsync(created.UserId));
    }

    [StorageFact]
    public async Task TheProductListingFiltersByNameAndPricePagesAndShowsLiveStock()
    {
        var token = Guid.NewGuid().ToString("N");
        var cheap = await _api.CreateProductAsync(100, 5, $"Pen {token} A");
        var middle = await _api.CreateProductAsync(200, 5, $"pen {token.ToUpperInvariant()} B");
        var dear = await _api.CreateProductAsync(300, 5, $"Pen {token} C");
        var user = await _api.CreateUserAsync();
        await _api.CreateOrderAsync(user.UserId, [(middle.ProductId, 2)]);

        var all = await ApiClient.ReadAsync<ProductPageResponse>(await _api.GetAsync($"/api/v1/products?q={token}"), HttpStatusCode.OK);
        var priced = await ApiClient.ReadAsync<ProductPageResponse>(
            await _api.GetAsync($"/api/v1/products?q={token}&minPrice=150&maxPrice=300&page=2&size=1"), HttpStatusCode.OK);

        Assert.Equal([cheap, middle with { Stock = 3, Options = [middle.Options[0] with { Stock = 3 }] }, dear], all.Items);
        Assert.Equal((1, 20, 3), (all.Page, all.Size, all.Total));
        Assert.Equal([dear], priced.Items);
        Assert.Equal((2, 1, 2), (priced.Page, priced.Size, priced.Total));
    }

    [StorageFact]
    public async Task CancellingAnOrderRestoresStockAndCouponAndCancellingAgainAnswersTheSameCancelledOrder()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 3);
        var coupon = await _api.CreateCouponAsync(500, 1);
        await _api.IssueCouponAsync(coupon.CouponId, user.UserId);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 3)], coupon.CouponId);
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);

        var cancelled = await ApiClient.ReadAsync<OrderResponse>(await _api.CancelRawAsync(order.OrderId, user.UserId), HttpStatusCode.OK);
        var again = await ApiClient.ReadAsync<OrderResponse>(await _api.CancelRawAsync(order.OrderId, user.UserId), HttpStatusCode.OK);

        Assert.Equal(("CANCELLED", "CANCELLED"), (cancelled.Status, again.Status));
        Assert.Equal(3, (await _api.GetProductAsync(product.ProductId)).Stock);
        Assert.Equal("AVAILABLE", Assert.Single(await _api.GetUserCouponsAsync(user.UserId)).Status);
        Assert.Equal(0, await _api.GetBalanceAsync(user.UserId));
    }

    [StorageFact]
    public async Task AdjustingStockRestocksAndRemovesUnits()
    {
        var product = await _api.CreateProductAsync(1_000, 3);

        var restocked = await ApiClient.ReadAsync<ProductResponse>(
            await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock", new { delta = 7 }), HttpStatusCode.OK);
        var removed = await ApiClient.ReadAsync<ProductResponse>(
            await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock", new { delta = -10 }), HttpStatusCode.OK);

        Assert.Equal((10, 0), (restocked.Stock, removed.Stock));
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task SwaggerUiAndTheOpenApiDocumentAreServedOutsideDevelopment()
    {
        var ui = await _api.GetAsync("/swagger/index.html");
        var document = await _api.GetAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var paths = JsonDocument.Parse(await document.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/orders/{orderId}/payment", out _));
        Assert.True(paths.TryGetProperty("/api/v1/users/{userId}/balance/charge", out _));
    }
}

public sealed class CommerceFlowOnSqlite(SqliteApi factory) : CommerceFlowTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class CommerceFlowOnPostgres(PostgresApi factory) : CommerceFlowTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class CommerceFlowOnMySql(MySqlApi factory) : CommerceFlowTests(factory), IClassFixture<MySqlApi>;
