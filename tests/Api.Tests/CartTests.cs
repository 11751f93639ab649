using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests;

/// <summary>A user's cart of options: no stock held, checked out into an order exactly as POST /orders makes one.</summary>
public abstract class CartTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task AddingChangingAndRemovingLinesShowsEachOptionsCurrentPriceStockAndTheTotal()
    {
        var user = await FundedUserAsync();
        var shirt = await _api.CreateProductWithOptionsAsync(("S", 1_000, 10), ("M", 1_200, 3));
        var mug = await _api.CreateProductAsync(price: 500, stock: 7, name: "Mug");
        var (small, medium) = (shirt.Options[0].OptionId, shirt.Options[1].OptionId);

        await _api.SetCartItemAsync(user.UserId, small, 2);
        await _api.SetCartItemAsync(user.UserId, mug.ProductId, 1);
        await _api.SetCartItemAsync(user.UserId, medium, 1);
        var cart = await _api.SetCartItemAsync(user.UserId, small, 3);

        Assert.Equal(
            [(small, shirt.ProductId, "S", 3, 1_000L, 10, 3_000L, true), (mug.ProductId, mug.ProductId, "default", 1, 500L, 7, 500L, true),
                (medium, shirt.ProductId, "M", 1, 1_200L, 3, 1_200L, true)],
            cart.Items.Select(i => (i.OptionId, i.ProductId, i.OptionName, i.Quantity, i.UnitPrice, i.Stock, i.LineTotal, i.Available)));
        Assert.Equal(4_700, cart.Total);
        Assert.Equal(10, (await _api.GetProductAsync(shirt.ProductId)).Options[0].Stock);

        Assert.Equal(HttpStatusCode.NoContent, (await _api.RemoveCartItemRawAsync(user.UserId, medium)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.RemoveCartItemRawAsync(user.UserId, medium)).StatusCode);
        await _api.PostAsync($"/api/v1/products/{mug.ProductId}/stock", new { delta = -2 });
        var after = await _api.GetCartAsync(user.UserId);

        Assert.Equal([(small, 3, 10), (mug.ProductId, 1, 5)], after.Items.Select(i => (i.OptionId, i.Quantity, i.Stock)));
        Assert.Equal(3_500, after.Total);
    }

    [StorageFact]
    public async Task BadCartRequestsAreRefusedWithStableCodesAndAnotherUsersCartIsForbidden()
    {
        var user = await FundedUserAsync();
        var other = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(price: 100, stock: 5);

        await Problems.AssertAsync(await _api.SetCartItemRawAsync(user.UserId, product.ProductId, 0), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.SetCartItemRawAsync(user.UserId, product.ProductId, 1_001), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.SetCartItemRawAsync(user.UserId, 999_999_999, 1), HttpStatusCode.NotFound, "PRODUCT_OPTION_NOT_FOUND");
        await Problems.AssertAsync(await _api.CheckoutRawAsync(user.UserId), HttpStatusCode.Conflict, "CART_EMPTY");

        await _api.SetCartItemAsync(user.UserId, product.ProductId, 1);
        await Problems.AssertAsync(await _api.As(other.UserId).GetAsync($"/api/v1/users/{user.UserId}/cart"), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await _api.As(other.UserId).PostAsync($"/api/v1/users/{user.UserId}/cart/checkout", new { }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{user.UserId}/cart/items/{product.ProductId}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { quantity = 5 }),
        };
        await Problems.AssertAsync(await _api.SendAsync(put, other.UserId), HttpStatusCode.Forbidden, "FORBIDDEN");
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{user.UserId}/cart/items/{product.ProductId}");
        await Problems.AssertAsync(await _api.SendAsync(delete, other.UserId), HttpStatusCode.Forbidden, "FORBIDDEN");

        // The admin may read it; nothing above changed it.
        var asAdmin = await ApiClient.ReadAsync<Cart.CartResponse>(await _api.GetAsync($"/api/v1/users/{user.UserId}/cart"), HttpStatusCode.OK);
        Assert.Equal([(product.ProductId, 1)], asAdmin.Items.Select(i => (i.OptionId, i.Quantity)));

        var many = await _api.CreateProductWithOptionsAsync([.. Enumerable.Range(1, 50).Select(i => ($"o{i}", 1L, 1))]);
        foreach (var option in many.Options.Take(49))
        {
            await _api.SetCartItemAsync(user.UserId, option.OptionId, 1);
        }

        await Problems.AssertAsync(await _api.SetCartItemRawAsync(user.UserId, many.Options[49].OptionId, 1), HttpStatusCode.Conflict, "CART_FULL");
        Assert.Equal(50, (await _api.SetCartItemAsync(user.UserId, many.Options[0].OptionId, 2)).Items.Count);
    }

    [StorageFact]
    public async Task CheckingOutCreatesTheOrderAsPostOrdersAnswersAndEmptiesTheCart()
    {
        var user = await FundedUserAsync();
        var shirt = await _api.CreateProductWithOptionsAsync(("S", 1_000, 10), ("M", 1_200, 3));
        var coupon = await _api.CreateCouponAsync(discountAmount: 300, totalQuantity: 5);
        await _api.IssueCouponAsync(coupon.CouponId, user.UserId);
        await _api.SetCartItemAsync(user.UserId, shirt.Options[1].OptionId, 2);
        await _api.SetCartItemAsync(user.UserId, shirt.Options[0].OptionId, 1);

        var response = await _api.CheckoutRawAsync(user.UserId, coupon.CouponId);
        var order = await ApiClient.ReadAsync<OrderResponse>(response, HttpStatusCode.Created);

        Assert.Equal($"/api/v1/orders/{order.OrderId}", response.Headers.Location?.OriginalString);
        Assert.Equal(("PENDING_PAYMENT", 3_400L, 300L, 3_100L), (order.Status, order.TotalPrice, order.DiscountAmount, order.PayAmount));
        Assert.Equal([(shirt.Options[1].OptionId, "M", 2), (shirt.Options[0].OptionId, "S", 1)],
            order.Items.Select(l => (l.OptionId, l.OptionName, l.Quantity)));
        var stored = await _api.GetOrderAsync(order.OrderId);
        Assert.Equal(order with { Items = [] }, stored with { Items = [] });
        Assert.Equal(order.Items, stored.Items);
        Assert.Empty((await _api.GetCartAsync(user.UserId)).Items);
        Assert.Equal([9, 1], (await _api.GetProductAsync(shirt.ProductId)).Options.Select(o => o.Stock));
        Assert.Equal("PAID", (await _api.PayAsync(order.OrderId, user.UserId)).Status);
        await Problems.AssertAsync(await _api.CheckoutRawAsync(user.UserId), HttpStatusCode.Conflict, "CART_EMPTY");
    }

    [StorageFact]
    public async Task ARefusedCheckoutLeavesTheCartAsItWasAndAnswersTheOrdersError()
    {
        var user = await FundedUserAsync();
        var scarce = await _api.CreateProductAsync(price: 100, stock: 5);
        var plenty = await _api.CreateProductAsync(price: 100, stock: 50);
        await _api.SetCartItemAsync(user.UserId, plenty.ProductId, 4);
        await _api.SetCartItemAsync(user.UserId, scarce.ProductId, 3);
        await _api.PostAsync($"/api/v1/products/{scarce.ProductId}/stock", new { delta = -4 });
        var before = await _api.GetCartAsync(user.UserId);

        await Problems.AssertAsync(await _api.CheckoutRawAsync(user.UserId), HttpStatusCode.Conflict, "STOCK_INSUFFICIENT");
        Assert.Equal(before, await _api.GetCartAsync(user.UserId), new CartComparer());

        // With the stock back, a coupon the user does not hold is refused after the stock was held: released again.
        await _api.PostAsync($"/api/v1/products/{scarce.ProductId}/stock", new { delta = 2 });
        await Problems.AssertAsync(await _api.CheckoutRawAsync(user.UserId, couponId: 999_999_999), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        Assert.Equal([(plenty.ProductId, 4, 50), (scarce.ProductId, 3, 3)],
            (await _api.GetCartAsync(user.UserId)).Items.Select(i => (i.OptionId, i.Quantity, i.Stock)));

        var order = await _api.CheckoutAsync(user.UserId);
        Assert.Equal([(plenty.ProductId, 4), (scarce.ProductId, 3)], order.Items.Select(l => (l.ProductId, l.Quantity)));
        Assert.Empty((await _api.GetCartAsync(user.UserId)).Items);
    }

    [StorageFact]
    public async Task ACheckoutRetriedWithTheSameKeyCreatesOneOrder()
    {
        var user = await FundedUserAsync();
        var product = await _api.CreateProductAsync(price: 100, stock: 10);
        await _api.SetCartItemAsync(user.UserId, product.ProductId, 2);
        var key = Guid.NewGuid().ToString("N");

        var first = await ApiClient.ReadAsync<OrderResponse>(await _api.CheckoutRawAsync(user.UserId, idempotencyKey: key), HttpStatusCode.Created);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _api.CheckoutRawAsync(user.UserId, idempotencyKey: key)));

        foreach (var response in again)
        {
            Assert.Equal(first.OrderId, (await ApiClient.ReadAsync<OrderResponse>(response, HttpStatusCode.Created)).OrderId);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        }

        Assert.Equal(8, (await _api.GetProductAsync(product.ProductId)).Stock);
        await Problems.AssertAsync(await _api.CheckoutRawAsync(user.UserId), HttpStatusCode.Conflict, "CART_EMPTY");
    }

    [StorageFact]
    public async Task TwentyUsersCheckingOutTheLastSevenUnitsThroughTheirCartsGetExactlySevenOrders()
    {
        var product = await _api.CreateProductWithOptionsAsync(("Last", 100, 7), ("Other", 100, 100));
        var last = product.Options[0].OptionId;
        var users = new List<UserResponse>();
        foreach (var batch in Enumerable.Range(0, 20).Chunk(10))
        {
            users.AddRange(await Task.WhenAll(batch.Select(_ => _api.CreateUserAsync())));
        }

        foreach (var user in users)
        {
            await _api.SetCartItemAsync(user.UserId, last, 1);
        }

        var responses = await Task.WhenAll(users.Select(u => _api.CheckoutRawAsync(u.UserId)));

        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var codes = await Task.WhenAll(responses.Where(r => r.StatusCode != HttpStatusCode.Created).Select(Problems.CodeOfAsync));
        Assert.Equal(Enumerable.Repeat("STOCK_INSUFFICIENT", 13), codes);
        Assert.Equal([0, 100], (await _api.GetProductAsync(product.ProductId)).Options.Select(o => o.Stock));
        var carts = await Task.WhenAll(users.Select(u => _api.GetCartAsync(u.UserId)));
        Assert.Equal(7, carts.Count(c => c.Items.Count == 0));
        Assert.Equal(13, carts.Count(c => c.Items is [{ Quantity: 1, Stock: 0 }]));
    }

    private async Task<UserResponse> FundedUserAsync()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 100_000);
        return user;
    }

    private sealed class CartComparer : IEqualityComparer<Cart.CartResponse>
    {
        public bool Equals(Cart.CartResponse? x, Cart.CartResponse? y) =>
            x is not null && y is not null && x.UserId == y.UserId && x.Total == y.Total && x.Items.SequenceEqual(y.Items);

        public int GetHashCode(Cart.CartResponse obj) => obj.UserId.GetHashCode();
    }
}

public sealed class CartOnSqlite(SqliteApi factory) : CartTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class CartOnPostgres(PostgresApi factory) : CartTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class CartOnMySql(MySqlApi factory) : CartTests(factory), IClassFixture<MySqlApi>;
