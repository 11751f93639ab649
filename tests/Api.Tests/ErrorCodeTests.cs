using System.Net;
using System.Text;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests;

/// <summary>Every error of the API answers ProblemDetails with its stable code; bad input is never a 500.</summary>
public abstract class ErrorCodeTests(ApiFactory factory)
{
    private const long Missing = 9_000_000_000;

    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task UnknownRoutesAndWrongMethodsAnswerProblemDetails()
    {
        await Problems.AssertAsync(await _api.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "NOT_FOUND");
        await Problems.AssertAsync(await _api.Http.DeleteAsync("/api/v1/users/1"), HttpStatusCode.MethodNotAllowed,
            "METHOD_NOT_ALLOWED");
    }

    [StorageFact]
    public async Task MalformedJsonWrongTypesAndMissingBodiesAreMalformedRequests()
    {
        var user = await _api.CreateUserAsync();
        string[] bodies = ["{bad", "[]", "{\"amount\":\"abc\"}", "{\"amount\":\"100\"}", "{\"amount\":1.5}",
            "{\"amount\":99999999999999999999999}", "{\"amount\":true}", ""];
        foreach (var body in bodies)
        {
            var response = await _api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/users/{user.UserId}/balance/charge")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            }, user.UserId);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        }

        await Problems.AssertAsync(await _api.GetAsync("/api/v1/users/abc"), HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        await Problems.AssertAsync(await _api.GetAsync("/api/v1/products?page=x"), HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        await Problems.AssertAsync(
            await _api.Http.PostAsync("/api/v1/users", new StringContent("{\"name\":\"a\"}", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal(0, await _api.GetBalanceAsync(user.UserId));
    }

    [StorageFact]
    public async Task AnOversizedBodyIsRefusedAsTooLarge()
    {
        var name = new string('x', 70_000);

        var response = await _api.PostAsync("/api/v1/users", new { name, email = "big@example.com" });

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [StorageFact]
    public async Task MissingFieldsNonPositiveIdsAndOutOfRangeNumbersFailValidation()
    {
        var product = await _api.CreateProductAsync(100, 1);
        (string Path, object Body)[] invalid =
        [
            ("/api/v1/users", new { }),
            ("/api/v1/users", new { name = "No email" }),
            ("/api/v1/users", new { name = "Bad email", email = "not-an-email" }),
            ("/api/v1/users", new { name = "", email = "empty@example.com" }),
            ("/api/v1/users", new { name = "Nul\u0000name", email = "nul-name@example.com" }),
            ("/api/v1/users", new { name = "Nul email", email = "nul\u0000@example.com" }),
            ("/api/v1/products", new { name = "Bell\u0007", price = 1, stock = 1 }),
            ("/api/v1/coupons", new { name = "Nul\u0000coupon", discountAmount = 1, totalQuantity = 1, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }),
            ("/api/v1/products", new { name = "No price", stock = 1 }),
            ("/api/v1/products", new { name = "Huge stock", price = 1, stock = 10_000_000_000 }),
            ("/api/v1/products", new { name = "Negative price", price = -1, stock = 1 }),
            ($"/api/v1/products/{product.ProductId}/stock", new { }),
            ("/api/v1/coupons", new { name = "No expiry", discountAmount = 1, totalQuantity = 1 }),
            ("/api/v1/coupons", new { name = "Past", discountAmount = 1, totalQuantity = 1, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }),
            ("/api/v1/coupons", new { name = "Zero", discountAmount = 0, totalQuantity = 1, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }),
            ("/api/v1/coupons/0/issue", new { userId = 1 }),
            ("/api/v1/coupons/1/issue", new { userId = -1 }),
            ("/api/v1/orders/0/payment", new { userId = 1 }),
            ("/api/v1/orders/1/payment", new { }),
            ("/api/v1/orders/1/cancel", new { userId = 0 }),
        ];
        foreach (var (path, body) in invalid)
        {
            await Problems.AssertAsync(await _api.PostAsync(path, body), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        foreach (var path in new[] { "/api/v1/users/0", "/api/v1/users/-5/balance", "/api/v1/products/0", "/api/v1/coupons/-1", "/api/v1/orders/0" })
        {
            await Problems.AssertAsync(await _api.GetAsync(path), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        await Problems.AssertAsync(await _api.GetAsync("/api/v1/products?size=0"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [StorageFact]
    public async Task OrdersWithoutLinesWithTooManyLinesRepeatedProductsOrQuantitiesOutOfRangeFailValidation()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(100, 10);
        var p = product.ProductId;
        object[] invalid =
        [
            new { userId = user.UserId },
            new { userId = user.UserId, items = Array.Empty<object>() },
            new { userId = user.UserId, items = Enumerable.Range(1, 51).Select(i => new { productId = i, quantity = 1 }) },
            new { userId = user.UserId, items = new[] { new { productId = p, quantity = 1 }, new { productId = p, quantity = 2 } } },
            new { userId = user.UserId, items = new[] { new { productId = p, quantity = 0 } } },
            new { userId = user.UserId, items = new[] { new { productId = p, quantity = 1_001 } } },
            new { userId = user.UserId, items = new[] { new { productId = 0L, quantity = 1 } } },
            new { userId = user.UserId, items = new object?[] { null } },
            new { userId = 0, items = new[] { new { productId = p, quantity = 1 } } },
            new { userId = user.UserId, items = new[] { new { productId = p, quantity = 1 } }, couponId = 0 },
        ];
        foreach (var body in invalid)
        {
            await Problems.AssertAsync(await _api.PostAsync("/api/v1/orders", body), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        Assert.Equal(10, (await _api.GetProductAsync(p)).Stock);
    }

    [StorageFact]
    public async Task ATakenEmailInAnyCaseIsEmailTaken()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        await ApiClient.ReadAsync<object>(await _api.PostAsync("/api/v1/users", new { name = "First", email, password = "first-password" }),
            HttpStatusCode.Created);

        var second = await _api.PostAsync("/api/v1/users", new { name = "Second", email = email.ToUpperInvariant(), password = "second-password" });

        await Problems.AssertAsync(second, HttpStatusCode.Conflict, "EMAIL_TAKEN");
    }

    [StorageFact]
    public async Task MissingUsersProductsCouponsAndOrdersAreNotFound()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(100, 1);
        var coupon = await _api.CreateCouponAsync(10, 1);

        foreach (var path in new[] { $"/api/v1/users/{Missing}", $"/api/v1/users/{Missing}/balance", $"/api/v1/users/{Missing}/balance/history", $"/api/v1/users/{Missing}/coupons" })
        {
            await Problems.AssertAsync(await _api.GetAsync(path), HttpStatusCode.NotFound, "USER_NOT_FOUND");
        }

        // No one holds a missing user's token: a change in their name is refused as another user's, before any lookup.
        await Problems.AssertAsync(await _api.As(user.UserId).PostAsync($"/api/v1/users/{Missing}/balance/charge", new { amount = 100 }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await _api.As(user.UserId).PostAsync($"/api/v1/coupons/{coupon.CouponId}/issue", new { userId = Missing }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await _api.As(user.UserId).PostAsync("/api/v1/orders",
            new { userId = Missing, items = new[] { new { productId = product.ProductId, quantity = 1 } } }), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await _api.GetAsync($"/api/v1/products/{Missing}"), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/products/{Missing}/stock", new { delta = 1 }), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1), (Missing, 1)]), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await Problems.AssertAsync(await _api.GetAsync($"/api/v1/coupons/{Missing}"), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await Problems.AssertAsync(await _api.IssueCouponRawAsync(Missing, user.UserId), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)], Missing), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await Problems.AssertAsync(await _api.GetAsync($"/api/v1/orders/{Missing}"), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await Problems.AssertAsync(await _api.PayRawAsync(Missing, user.UserId), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await Problems.AssertAsync(await _api.CancelRawAsync(Missing, user.UserId), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        // Failed orders hold nothing.
        Assert.Equal(1, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task AnotherUsersOrderIsNotFoundForPaymentAndCancellation()
    {
        var owner = await _api.CreateUserAsync();
        var stranger = await _api.CreateUserAsync();
        await _api.ChargeAsync(stranger.UserId, 10_000);
        var product = await _api.CreateProductAsync(100, 1);
        var order = await _api.CreateOrderAsync(owner.UserId, [(product.ProductId, 1)]);

        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, stranger.UserId), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await Problems.AssertAsync(await _api.CancelRawAsync(order.OrderId, stranger.UserId), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");

        Assert.Equal("PENDING_PAYMENT", (await _api.GetOrderAsync(order.OrderId)).Status);
        Assert.Equal(10_000, await _api.GetBalanceAsync(stranger.UserId));
    }

    [StorageFact]
    public async Task ChargesOutsideOneToTenMillionAreInvalidAmountsAndABalanceOverOneBillionIsRefused()
    {
        var user = await _api.CreateUserAsync();
        foreach (var amount in new long[] { 0, -1, 10_000_001 })
        {
            await Problems.AssertAsync(await _api.ChargeRawAsync(user.UserId, amount), HttpStatusCode.BadRequest, "INVALID_AMOUNT");
        }

        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/users/{user.UserId}/balance/charge", new { }),
            HttpStatusCode.BadRequest, "INVALID_AMOUNT");
        for (var i = 0; i < 100; i++)
        {
            await _api.ChargeAsync(user.UserId, 10_000_000);
        }

        await Problems.AssertAsync(await _api.ChargeRawAsync(user.UserId, 1), HttpStatusCode.Conflict, "BALANCE_LIMIT_EXCEEDED");
        Assert.Equal(1_000_000_000, await _api.GetBalanceAsync(user.UserId));
    }

    [StorageFact]
    public async Task OrderingOrRemovingMoreThanTheStockIsStockInsufficientAndHoldsNothing()
    {
        var user = await _api.CreateUserAsync();
        var plenty = await _api.CreateProductAsync(100, 10);
        var scarce = await _api.CreateProductAsync(100, 2);

        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, [(plenty.ProductId, 5), (scarce.ProductId, 3)]),
            HttpStatusCode.Conflict, "STOCK_INSUFFICIENT");
        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/products/{scarce.ProductId}/stock", new { delta = -3 }),
            HttpStatusCode.Conflict, "STOCK_INSUFFICIENT");

        Assert.Equal((10, 2), ((await _api.GetProductAsync(plenty.ProductId)).Stock, (await _api.GetProductAsync(scarce.ProductId)).Stock));
    }

    [StorageFact]
    public async Task ASoldOutLineIsRefusedBeforeAnOrderExistsSoItTakesNoOrderId()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(100, 1);
        var first = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        await Problems.AssertAsync(await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)]),
            HttpStatusCode.Conflict, "STOCK_INSUFFICIENT");
        (await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock", new { delta = 1 })).EnsureSuccessStatusCode();
        var next = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        // This class's silo allocates order ids one after the other; the refused request never asked for one.
        Assert.Equal(first.OrderId + 1, next.OrderId);
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task AKeyedRetryOfTheOrderThatTookTheLastUnitAnswersThatOrder()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(100, 1);
        var key = Guid.NewGuid().ToString();
        var created = await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)], idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var retry = await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 1)], idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await created.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(0, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ACouponIsSoldOutAlreadyIssuedOrNotUsableAsItsRulesSay()
    {
        var first = await _api.CreateUserAsync();
        var second = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 5);
        var coupon = await _api.CreateCouponAsync(100, 1);
        await _api.IssueCouponAsync(coupon.CouponId, first.UserId);

        await Problems.AssertAsync(await _api.IssueCouponRawAsync(coupon.CouponId, first.UserId), HttpStatusCode.Conflict, "COUPON_ALREADY_ISSUED");
        await Problems.AssertAsync(await _api.IssueCouponRawAsync(coupon.CouponId, second.UserId), HttpStatusCode.Conflict, "COUPON_SOLD_OUT");
        await Problems.AssertAsync(await _api.CreateOrderRawAsync(second.UserId, [(product.ProductId, 1)], coupon.CouponId),
            HttpStatusCode.Conflict, "COUPON_NOT_USABLE");
        var order = await _api.CreateOrderAsync(first.UserId, [(product.ProductId, 1)], coupon.CouponId);
        await Problems.AssertAsync(await _api.CreateOrderRawAsync(first.UserId, [(product.ProductId, 1)], coupon.CouponId),
            HttpStatusCode.Conflict, "COUPON_NOT_USABLE");

        Assert.Equal((1, 0), ((await _api.GetCouponAsync(coupon.CouponId)).IssuedQuantity, (await _api.GetCouponAsync(coupon.CouponId)).Remaining));
        Assert.Equal(4, (await _api.GetProductAsync(product.ProductId)).Stock);
        Assert.Equal(900, (await _api.GetOrderAsync(order.OrderId)).PayAmount);
    }

    [StorageFact]
    public async Task ACouponPastItsExpiryIsExpired()
    {
        var coupon = await _api.CreateCouponAsync(100, 1_000, DateTimeOffset.UtcNow.AddSeconds(3));

        // Each probe issues to a new user, so only the expiry can end it.
        var refused = await Eventually.WaitAsync(
            async () => await _api.IssueCouponRawAsync(coupon.CouponId, (await _api.CreateUserAsync()).UserId),
            response => response.StatusCode != HttpStatusCode.Created, TimeSpan.FromSeconds(15), "refused");

        await Problems.AssertAsync(refused, HttpStatusCode.Conflict, "COUPON_EXPIRED");
    }

    [StorageFact]
    public async Task APaymentWithoutEnoughBalanceIsRefusedAndTheOrderCanBePaidAfterACharge()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(7_000, 1);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        await _api.ChargeAsync(user.UserId, 6_999);

        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, user.UserId), HttpStatusCode.Conflict, "BALANCE_INSUFFICIENT");
        Assert.Equal("PENDING_PAYMENT", (await _api.GetOrderAsync(order.OrderId)).Status);
        Assert.Equal(6_999, await _api.GetBalanceAsync(user.UserId));

        await _api.ChargeAsync(user.UserId, 1);
        var paid = await _api.PayAsync(order.OrderId, user.UserId);

        Assert.Equal(("PAID", 7_000L, 0L), (paid.Status, paid.PaidAmount, paid.Balance));
    }

    [StorageFact]
    public async Task APaidOrderIsNeitherPayableNorCancellableAndACancelledOneIsNotPayable()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(1_000, 5);
        var paid = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        await _api.PayAsync(paid.OrderId, user.UserId);
        var cancelled = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        await ApiClient.ReadAsync<object>(await _api.CancelRawAsync(cancelled.OrderId, user.UserId), HttpStatusCode.OK);

        await Problems.AssertAsync(await _api.PayRawAsync(paid.OrderId, user.UserId), HttpStatusCode.Conflict, "ORDER_NOT_PAYABLE");
        await Problems.AssertAsync(await _api.CancelRawAsync(paid.OrderId, user.UserId), HttpStatusCode.Conflict, "ORDER_NOT_CANCELLABLE");
        await Problems.AssertAsync(await _api.PayRawAsync(cancelled.OrderId, user.UserId), HttpStatusCode.Conflict, "ORDER_NOT_PAYABLE");

        Assert.Equal(9_000, await _api.GetBalanceAsync(user.UserId));
        Assert.Equal(4, (await _api.GetProductAsync(product.ProductId)).Stock);
    }
}

public sealed class ErrorCodesOnSqlite(SqliteApi factory) : ErrorCodeTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class ErrorCodesOnPostgres(PostgresApi factory) : ErrorCodeTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class ErrorCodesOnMySql(MySqlApi factory) : ErrorCodeTests(factory), IClassFixture<MySqlApi>;
