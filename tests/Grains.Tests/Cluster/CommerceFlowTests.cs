using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteCommerceFlowTests(SqliteClusterFixture fixture) : CommerceFlowTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresCommerceFlowTests(PostgresClusterFixture fixture) : CommerceFlowTests(fixture);

/// <summary>An order's life through the grains of a 3-silo cluster over real storage. Every call comes from the
/// cluster's client, so every argument, answer and domain error also crosses a serializer.</summary>
public abstract class CommerceFlowTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task ARegistrationKeepsItsPasswordHashAndRoleAndAHashIsReplacedOnlyWhileItIsTheOneStored()
    {
        var userId = await _grains.NextIdAsync(IdSequences.User);
        var user = _grains.GetGrain<IUserGrain>(userId);
        var email = $"{Guid.NewGuid():N}@example.com";
        Assert.Null(await user.GetCredentialsAsync());

        await user.RegisterAsync("Kim", email, "hash-1", isAdmin: true);
        await user.RegisterAsync("Kim", email, "hash-of-a-repeat");
        await user.ReplacePasswordHashAsync("not-the-stored-hash", "hash-x");
        var kept = await user.GetCredentialsAsync();
        await user.ReplacePasswordHashAsync("hash-1", "hash-2");

        Assert.Equal(new UserCredentials(userId, "hash-1", true), kept);
        Assert.Equal(new UserCredentials(userId, "hash-2", true), await user.GetCredentialsAsync());
    }

    /// <summary>An order id that was never created (a lookup, or an order refused before its intent) is activated with an
    /// empty state, whose status reads as PENDING_PAYMENT: it must not be taken for an overdue order and stored as EXPIRED.</summary>
    [StorageFact]
    public async Task AnOrderIdNeverCreatedIsNotStoredWhenLookedUpOrRefused()
    {
        var product = await _grains.NewProductAsync(price: 1_000, stock: 0);
        var lookedUp = _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order));
        var refused = _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order));
        var user = await _grains.NewUserAsync(charge: 10_000);

        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => lookedUp.GetAsync()));
        Assert.Equal(DomainErrors.StockInsufficient, await OutcomeAsync(() => refused.CreateAsync(user, [new(product, 1)], null)));
        // An expiry due at once would have run by now; one more call on each runs after it.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => lookedUp.GetAsync()));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => refused.GetAsync()));

        foreach (var order in new[] { lookedUp, refused })
        {
            var stored = await fixture.Cluster.StoredStateAsync<OrderState>("order", order);
            Assert.Equal((OrderStatus.PendingPayment, null, 0L), (stored.Status, stored.ClosedAt, stored.UserId));
        }
    }

    [StorageFact]
    public async Task TheFullFlowRegistersChargesIssuesOrdersAndPaysWithExactAmountsAndHistory()
    {
        var userId = await _grains.NextIdAsync(IdSequences.User);
        var user = _grains.GetGrain<IUserGrain>(userId);
        var email = $"{Guid.NewGuid():N}@Example.com";
        var profile = await user.RegisterAsync("Kim", email);
        var charged = await user.ChargeAsync(100_000);
        var mouse = await _grains.NewProductAsync(price: 25_000, stock: 10);
        var pad = await _grains.NewProductAsync(price: 5_000, stock: 5);
        var couponId = await _grains.NewCouponAsync(discount: 3_000, quantity: 10);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        var issued = await coupon.IssueAsync(userId);

        var (orderId, order) = await _grains.NewOrderAsync(userId, [new(mouse, 2), new(pad, 1)], couponId);
        var reservedCoupon = await coupon.GetUserCouponAsync(userId);
        var payment = await _grains.GetGrain<IOrderGrain>(orderId).PayAsync(userId);

        Assert.Equal((userId, "Kim", email.ToLowerInvariant()), (profile.UserId, profile.Name, profile.Email));
        Assert.Equal(100_000, charged.Balance);
        Assert.Equal((UserCouponStatus.Available, 3_000L), (issued.Status, issued.DiscountAmount));
        Assert.Equal([couponId], await user.GetCouponIdsAsync());
        Assert.Equal((OrderStatus.PendingPayment, 55_000L, 3_000L, 52_000L), (order.Status, order.TotalPrice, order.DiscountAmount, order.PayAmount));
        Assert.Equal([(mouse, 2, 25_000L, 50_000L), (pad, 1, 5_000L, 5_000L)],
            order.Items.Select(l => (l.ProductId, l.Quantity, l.UnitPrice, l.LineTotal)));
        Assert.Equal((UserCouponStatus.Reserved, (long?)orderId), (reservedCoupon!.Status, reservedCoupon.OrderId));
        Assert.Equal((orderId, OrderStatus.Paid, 52_000L, 48_000L), (payment.OrderId, payment.Status, payment.PaidAmount, payment.Balance));

        var paid = await _grains.GetGrain<IOrderGrain>(orderId).GetAsync();
        Assert.Equal((OrderStatus.Paid, payment.PaidAt), (paid.Status, paid.PaidAt!.Value));
        Assert.Equal(48_000, (await user.GetBalanceAsync()).Balance);
        Assert.Equal(8, (await _grains.GetGrain<IProductGrain>(mouse).GetAsync()).Stock);
        Assert.Equal(4, (await _grains.GetGrain<IProductGrain>(pad).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Used, (await coupon.GetUserCouponAsync(userId))!.Status);
        Assert.Equal((10, 1, 9), ((await coupon.GetAsync()).TotalQuantity, (await coupon.GetAsync()).IssuedQuantity, (await coupon.GetAsync()).Remaining));
        Assert.Equal(
            [(BalanceTransactionType.Use, 52_000L, 48_000L, (long?)orderId), (BalanceTransactionType.Charge, 100_000L, 100_000L, null)],
            (await user.GetHistoryAsync()).Select(h => (h.Type, h.Amount, h.BalanceAfter, h.OrderId)));
        var stored = await fixture.Cluster.StoredStateAsync<OrderState>("order", _grains.GetGrain<IOrderGrain>(orderId));
        Assert.Equal([(PaymentStatus.Success, 52_000L)], stored.Payments.Select(p => (p.Status, p.Amount)));
        Assert.NotNull(stored.PaidEvent);
        var mouseState = await fixture.Cluster.StoredStateAsync<ProductState>("product", _grains.GetGrain<IProductGrain>(mouse));
        Assert.Equal((8, 0, 2L), (mouseState.Stock, mouseState.Reservations.Count, mouseState.Sold));

        // The paid event travels on the Orleans stream to the ranking grain, on whichever silos.
        var top = await WaitForAsync(() => _grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(1, IProductRankingGrain.MaxLimit),
            t => t.Any(p => p.ProductId == mouse) && t.Any(p => p.ProductId == pad), "the paid order in the ranking");
        Assert.Equal((2L, 1L), (top.Single(p => p.ProductId == mouse).SalesCount, top.Single(p => p.ProductId == pad).SalesCount));
    }

    [StorageFact]
    public async Task AnUnderfundedPaymentLeavesTheOrderPayableAndItPaysAfterACharge()
    {
        var userId = await _grains.NewUserAsync(charge: 1_000);
        var user = _grains.GetGrain<IUserGrain>(userId);
        var product = await _grains.NewProductAsync(price: 3_000, stock: 10);
        var (orderId, _) = await _grains.NewOrderAsync(userId, [new(product, 1)]);
        var order = _grains.GetGrain<IOrderGrain>(orderId);

        var refused = await OutcomeAsync(() => order.PayAsync(userId));
        var afterRefusal = await order.GetAsync();
        var balanceAfterRefusal = (await user.GetBalanceAsync()).Balance;
        await user.ChargeAsync(2_000);
        var paid = await order.PayAsync(userId);

        Assert.Equal(DomainErrors.BalanceInsufficient, refused);
        Assert.Equal(OrderStatus.PendingPayment, afterRefusal.Status);
        Assert.Equal(1_000, balanceAfterRefusal);
        Assert.Equal((OrderStatus.Paid, 3_000L, 0L), (paid.Status, paid.PaidAmount, paid.Balance));
        var stored = await fixture.Cluster.StoredStateAsync<OrderState>("order", order);
        Assert.Equal(
            [(PaymentStatus.Failed, (string?)DomainErrors.BalanceInsufficient), (PaymentStatus.Success, null)],
            stored.Payments.Select(p => (p.Status, p.FailureReason)));
        Assert.Equal(
            [(BalanceTransactionType.Use, 3_000L, 0L), (BalanceTransactionType.Charge, 2_000L, 3_000L), (BalanceTransactionType.Charge, 1_000L, 1_000L)],
            (await user.GetHistoryAsync()).Select(h => (h.Type, h.Amount, h.BalanceAfter)));
        Assert.Equal(9, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
    }

    [StorageFact]
    public async Task AnUnpaidOrderExpiresThroughItsReminderAndGivesBackStockAndCoupon()
    {
        var userId = await _grains.NewUserAsync(charge: 100_000);
        var product = await _grains.NewProductAsync(price: 3_000, stock: 4);
        var couponId = await _grains.NewCouponAsync(discount: 1_000, quantity: 1);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        await coupon.IssueAsync(userId);
        var (orderId, created) = await _grains.NewOrderAsync(userId, [new(product, 3)], couponId);
        var order = _grains.GetGrain<IOrderGrain>(orderId);
        var held = (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock;

        var expired = await WaitForAsync(order.GetAsync, o => o.Status != OrderStatus.PendingPayment, "the order to expire");

        Assert.Equal(1, held);
        Assert.Equal(CommerceClusterFixture.PaymentTimeout, created.ExpiresAt - created.CreatedAt);
        Assert.Equal(OrderStatus.Expired, expired.Status);
        Assert.True(expired.ClosedAt >= created.ExpiresAt, $"closed at {expired.ClosedAt:O}, due at {created.ExpiresAt:O}");
        Assert.Equal(4, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Available, (await coupon.GetUserCouponAsync(userId))!.Status);
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => order.PayAsync(userId)));
        Assert.Equal(DomainErrors.OrderNotCancellable, await OutcomeAsync(() => order.CancelAsync(userId)));
        Assert.Equal(100_000, (await _grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
        var stored = await fixture.Cluster.StoredStateAsync<ProductState>("product", _grains.GetGrain<IProductGrain>(product));
        Assert.Equal((4, 0, 0L), (stored.Stock, stored.Reservations.Count, stored.Sold));
    }

    [StorageFact]
    public async Task CancellingGivesBackStockAndCouponButAPaidOrderCannotBeCancelled()
    {
        var userId = await _grains.NewUserAsync(charge: 50_000);
        var stranger = await _grains.NewUserAsync();
        var product = await _grains.NewProductAsync(price: 2_000, stock: 5);
        var couponId = await _grains.NewCouponAsync(discount: 500, quantity: 1);
        await _grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
        var (cancelledId, _) = await _grains.NewOrderAsync(userId, [new(product, 2)], couponId);
        var cancelled = _grains.GetGrain<IOrderGrain>(cancelledId);

        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => cancelled.CancelAsync(stranger)));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => cancelled.PayAsync(stranger)));
        Assert.Equal(OrderStatus.Cancelled, (await cancelled.CancelAsync(userId)).Status);
        Assert.Equal(OrderStatus.Cancelled, (await cancelled.CancelAsync(userId)).Status);
        Assert.Equal(5, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Available, (await _grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status);

        var (paidId, _) = await _grains.NewOrderAsync(userId, [new(product, 1)], couponId);
        await _grains.GetGrain<IOrderGrain>(paidId).PayAsync(userId);

        Assert.Equal(DomainErrors.OrderNotCancellable, await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(paidId).CancelAsync(userId)));
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => cancelled.PayAsync(userId)));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(-1).GetAsync()));
        Assert.Equal(4, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(48_500, (await _grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
    }

    [StorageFact]
    public async Task TryIssueAnswersTheCouponsOwnRefusalsAsValuesInIssuesOrderAndThrowsTheRest()
    {
        var (first, second) = (await _grains.NewUserAsync(), await _grains.NewUserAsync());
        var couponId = await _grains.NewCouponAsync(discount: 500, quantity: 1);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);

        var issued = await coupon.TryIssueAsync(first);
        var again = await coupon.TryIssueAsync(first);
        var soldOut = await coupon.TryIssueAsync(second);

        Assert.Equal((first, null), (issued.Issued?.UserId, issued.Refusal));
        // Already issued wins over sold out for the user who holds the last copy, as IssueAsync decides.
        Assert.Equal((null, DomainErrors.CouponAlreadyIssued), (again.Issued, again.Refusal?.Code));
        Assert.Equal((null, DomainErrors.CouponSoldOut, ErrorKind.Conflict), (soldOut.Issued, soldOut.Refusal?.Code, soldOut.Refusal?.Kind));
        Assert.Equal(DomainErrors.CouponSoldOut, await OutcomeAsync(() => coupon.IssueAsync(second)));
        Assert.Equal((1, 0), ((await coupon.GetAsync()).IssuedQuantity, (await coupon.GetAsync()).Remaining));

        var fresh = _grains.GetGrain<ICouponGrain>(await _grains.NewCouponAsync(discount: 500, quantity: 5));
        Assert.Equal(DomainErrors.UserNotFound, await OutcomeAsync(() => fresh.TryIssueAsync(first + 1_000_000)));
        Assert.Equal(0, (await fresh.GetAsync()).IssuedQuantity);
    }

    [StorageFact]
    public async Task TheCatalogFindsACreatedProductAndRefusesABadPage()
    {
        var name = "Lamp " + Guid.NewGuid().ToString("N");
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var product = await _grains.GetGrain<IProductGrain>(productId).CreateAsync(name, 12_345, 3);
        var catalog = _grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        await catalog.AddAsync(CatalogItem.From(product));
        await catalog.AddAsync(CatalogItem.From(product));

        var page = await catalog.SearchAsync(new CatalogQuery(Query: name.ToUpperInvariant()));

        Assert.Equal([(productId, name, 12_345L)], page.Items.Select(i => (i.ProductId, i.Name, i.Options.Single().Price)));
        Assert.Equal((1, 1, 20), (page.Total, page.Page, page.Size));
        Assert.Equal(DomainErrors.ValidationFailed, await OutcomeAsync(() => catalog.SearchAsync(new CatalogQuery(Size: 0))));
        Assert.Equal(DomainErrors.ProductAlreadyExists,
            await OutcomeAsync(() => _grains.GetGrain<IProductGrain>(productId).CreateAsync(name, 1, 3)));
        Assert.Equal(DomainErrors.ProductNotFound, await OutcomeAsync(() => _grains.GetGrain<IProductGrain>(-1).GetAsync()));
    }
}
