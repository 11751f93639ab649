using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests;

/// <summary>Idempotency-Key on charge, order creation and payment: applied once, replayed with the first answer.</summary>
public abstract class IdempotencyTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [StorageFact]
    public async Task ReplayingAChargeWithTheSameKeyAndBodyAnswersTheFirstResponseAndChargesOnce()
    {
        var user = await _api.CreateUserAsync();
        var key = NewKey();
        var first = await ApiClient.ReadAsync<BalanceResponse>(await _api.ChargeRawAsync(user.UserId, 1_000, key), HttpStatusCode.OK);
        await _api.ChargeAsync(user.UserId, 500);

        var replay = await _api.ChargeRawAsync(user.UserId, 1_000, key);

        Assert.Equal(first, await ApiClient.ReadAsync<BalanceResponse>(replay, HttpStatusCode.OK));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1_500, await _api.GetBalanceAsync(user.UserId));
        Assert.Equal(2, (await _api.GetHistoryAsync(user.UserId)).Count);
    }

    [StorageFact]
    public async Task ReusingAKeyWithAnotherBodyIsUnprocessableAndAnotherUserWithTheSameKeyChargesTheirOwnWallet()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var key = NewKey();
        await ApiClient.ReadAsync<BalanceResponse>(await _api.ChargeRawAsync(user.UserId, 1_000, key), HttpStatusCode.OK);

        await Problems.AssertAsync(await _api.ChargeRawAsync(user.UserId, 2_000, key), HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        // Keys are scoped to their user: the other user's request is their own first use of it, not a replay.
        var others = await _api.ChargeRawAsync(other.UserId, 1_000, key);
        Assert.Equal(new BalanceResponse(other.UserId, 1_000), await ApiClient.ReadAsync<BalanceResponse>(others, HttpStatusCode.OK));
        Assert.False(others.Headers.Contains("Idempotent-Replayed"));

        Assert.Equal((1_000, 1_000), (await _api.GetBalanceAsync(user.UserId), await _api.GetBalanceAsync(other.UserId)));
    }

    [StorageFact]
    public async Task AKeyThatIsTooLongOrNotVisibleAsciiFailsValidation()
    {
        var user = await _api.CreateUserAsync();
        foreach (var key in new[] { new string('k', 201), "has space" })
        {
            await Problems.AssertAsync(await _api.ChargeRawAsync(user.UserId, 1_000, key), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        Assert.Equal(0, await _api.GetBalanceAsync(user.UserId));
    }

    [StorageFact]
    public async Task TenConcurrentChargesWithOneKeyChargeOnceAndAnswerTheSameBalanceOrInProgress()
    {
        var user = await _api.CreateUserAsync();
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.ChargeRawAsync(user.UserId, 700, key)));

        var answered = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(answered);
        foreach (var response in answered)
        {
            Assert.Equal(new BalanceResponse(user.UserId, 700), await ApiClient.ReadAsync<BalanceResponse>(response, HttpStatusCode.OK));
        }

        foreach (var response in responses.Except(answered))
        {
            await Problems.AssertAsync(response, HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_IN_PROGRESS");
        }

        Assert.Equal(700, await _api.GetBalanceAsync(user.UserId));
        Assert.Single(await _api.GetHistoryAsync(user.UserId));
    }

    [StorageFact]
    public async Task RetryingAnOrderCreationWithTheSameKeyReturnsTheSameOrderAndReservesStockOnce()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        var key = NewKey();
        var first = await ApiClient.ReadAsync<OrderResponse>(
            await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 3)], idempotencyKey: key), HttpStatusCode.Created);

        var retry = await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 3)], idempotencyKey: key);
        var changed = await _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 4)], idempotencyKey: key);

        Assert.Equal(first with { Items = [] }, (await ApiClient.ReadAsync<OrderResponse>(retry, HttpStatusCode.Created)) with { Items = [] });
        Assert.Equal($"/api/v1/orders/{first.OrderId}", retry.Headers.Location?.OriginalString);
        await Problems.AssertAsync(changed, HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(7, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task TwoUsersCreatingOrdersUnderTheSameKeyEachGetTheirOwnOrder()
    {
        var first = await _api.CreateUserAsync();
        var second = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 10);
        var key = NewKey();

        var mine = await ApiClient.ReadAsync<OrderResponse>(
            await _api.CreateOrderRawAsync(first.UserId, [(product.ProductId, 3)], idempotencyKey: key), HttpStatusCode.Created);
        var theirs = await _api.CreateOrderRawAsync(second.UserId, [(product.ProductId, 3)], idempotencyKey: key);
        var order = await ApiClient.ReadAsync<OrderResponse>(theirs, HttpStatusCode.Created);

        Assert.False(theirs.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(mine.OrderId, order.OrderId);
        Assert.Equal((first.UserId, second.UserId), (mine.UserId, order.UserId));
        Assert.Equal(4, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task TenConcurrentOrderCreationsWithOneKeyCreateOneOrder()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(1_000, 50);
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => _api.CreateOrderRawAsync(user.UserId, [(product.ProductId, 2)], idempotencyKey: key)));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var orderIds = await Task.WhenAll(created.Select(async r => (await ApiClient.ReadAsync<OrderResponse>(r, HttpStatusCode.Created)).OrderId));
        Assert.Single(orderIds.Distinct());
        foreach (var response in responses.Except(created))
        {
            await Problems.AssertAsync(response, HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_IN_PROGRESS");
        }

        Assert.Equal(48, (await _api.GetProductAsync(product.ProductId)).Stock);
    }

    [StorageFact]
    public async Task ReplayingAPaymentWithTheSameKeyAnswersTheFirstPaymentAndDebitsOnce()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 5_000);
        var product = await _api.CreateProductAsync(2_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        var key = NewKey();
        var first = await ApiClient.ReadAsync<PaymentResponse>(await _api.PayRawAsync(order.OrderId, user.UserId, key), HttpStatusCode.OK);

        var replays = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _api.PayRawAsync(order.OrderId, user.UserId, key)));

        foreach (var replay in replays)
        {
            Assert.Equal(first, await ApiClient.ReadAsync<PaymentResponse>(replay, HttpStatusCode.OK));
        }

        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, user.UserId, NewKey()), HttpStatusCode.Conflict, "ORDER_NOT_PAYABLE");
        Assert.Equal(3_000, await _api.GetBalanceAsync(user.UserId));
        Assert.Single(await _api.GetHistoryAsync(user.UserId), h => h.Type == "USE");
    }

    [StorageFact]
    public async Task ReusingAPaymentKeyForAnotherOrderIsUnprocessableAnotherUserCannotPayItAndTheOrderIsPaidOnce()
    {
        var user = await _api.CreateUserAsync();
        var stranger = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 5_000);
        await _api.ChargeAsync(stranger.UserId, 5_000);
        var product = await _api.CreateProductAsync(2_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        var other = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        var key = NewKey();
        var first = await ApiClient.ReadAsync<PaymentResponse>(await _api.PayRawAsync(order.OrderId, user.UserId, key), HttpStatusCode.OK);

        // The stranger's key is their own; the order is not theirs to pay.
        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, stranger.UserId, key), HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await Problems.AssertAsync(await _api.PayRawAsync(other.OrderId, user.UserId, key), HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED");
        var replay = await _api.PayRawAsync(order.OrderId, user.UserId, key);

        Assert.Equal(first, await ApiClient.ReadAsync<PaymentResponse>(replay, HttpStatusCode.OK));
        Assert.Equal(("PAID", "PENDING_PAYMENT"), ((await _api.GetOrderAsync(order.OrderId)).Status, (await _api.GetOrderAsync(other.OrderId)).Status));
        Assert.Equal((3_000, 5_000), (await _api.GetBalanceAsync(user.UserId), await _api.GetBalanceAsync(stranger.UserId)));
        Assert.Single(await _api.GetHistoryAsync(user.UserId), h => h.Type == "USE");
        Assert.DoesNotContain(await _api.GetHistoryAsync(stranger.UserId), h => h.Type == "USE");
    }

    [StorageFact]
    public async Task AFailedPaymentStoresNoAnswerSoItsRetryAfterAChargeSucceeds()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(2_000, 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);
        var key = NewKey();
        await Problems.AssertAsync(await _api.PayRawAsync(order.OrderId, user.UserId, key), HttpStatusCode.Conflict, "BALANCE_INSUFFICIENT");
        await _api.ChargeAsync(user.UserId, 2_500);

        var retry = await ApiClient.ReadAsync<PaymentResponse>(await _api.PayRawAsync(order.OrderId, user.UserId, key), HttpStatusCode.OK);

        Assert.Equal(("PAID", 2_000L, 500L), (retry.Status, retry.PaidAmount, retry.Balance));
    }
}

public sealed class IdempotencyOnSqlite(SqliteApi factory) : IdempotencyTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class IdempotencyOnPostgres(PostgresApi factory) : IdempotencyTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class IdempotencyOnMySql(MySqlApi factory) : IdempotencyTests(factory), IClassFixture<MySqlApi>;
