using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteExactlyOnceTests(SqliteClusterFixture fixture) : ExactlyOnceTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresExactlyOnceTests(PostgresClusterFixture fixture) : ExactlyOnceTests(fixture);

/// <summary>Every step another grain (or an HTTP retry) may repeat is keyed by the caller's id and applies once, also
/// when the repeats run at the same time.</summary>
public abstract class ExactlyOnceTests(CommerceClusterFixture fixture)
{
    private const int Repeats = 5;

    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task RepeatingCreateForOneOrderIdReservesStockAndCouponOnce()
    {
        var userId = await _grains.NewUserAsync();
        var product = await _grains.NewProductAsync(price: 2_000, stock: 10);
        var couponId = await _grains.NewCouponAsync(discount: 500, quantity: 1);
        await _grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
        var orderId = await _grains.NextIdAsync(IdSequences.Order);
        var order = _grains.GetGrain<IOrderGrain>(orderId);

        var created = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => order.CreateAsync(userId, [new(product, 3)], couponId)));
        var again = await order.CreateAsync(userId, [new(product, 3)], couponId);

        Assert.All(created.Append(again), c => Assert.Equal((created[0].CreatedAt, 5_500L), (c.CreatedAt, c.PayAmount)));
        Assert.Equal(DomainErrors.OrderAlreadyExists,
            await OutcomeAsync(() => order.CreateAsync(userId, [new(product, 4)], couponId)));
        var stored = await fixture.Cluster.StoredStateAsync<ProductState>("product", _grains.GetGrain<IProductGrain>(product));
        Assert.Equal((7, 1, 3), (stored.Stock, stored.Reservations.Count, stored.Reservations[orderId]));
        Assert.Equal((UserCouponStatus.Reserved, (long?)orderId),
            ((await _grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status,
                (await _grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.OrderId));
    }

    [StorageFact]
    public async Task RepeatingADebitOrAChargeWithItsIdAppliesItOnceAndARefundGivesBackOnce()
    {
        var userId = await _grains.NewUserAsync(charge: 10_000);
        var wallet = _grains.GetGrain<IUserGrain>(userId);
        var orderId = await _grains.NextIdAsync(IdSequences.Order);
        var requestId = Guid.NewGuid().ToString("N");

        var debits = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => wallet.DebitAsync(orderId, 4_000)));
        var charges = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => wallet.ChargeAsync(1_000, requestId)));
        var refunds = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => wallet.RefundAsync(orderId)));

        Assert.All(debits, d => Assert.Equal(new DebitResult(userId, orderId, 4_000, 6_000), d));
        Assert.All(charges, c => Assert.Equal(7_000, c.Balance));
        Assert.All(refunds, r => Assert.Equal(11_000, r.Balance));
        Assert.Equal(11_000, (await wallet.GetBalanceAsync()).Balance);
        Assert.Equal(
            [BalanceTransactionType.Refund, BalanceTransactionType.Charge, BalanceTransactionType.Use, BalanceTransactionType.Charge],
            (await wallet.GetHistoryAsync()).Select(h => h.Type));
        Assert.Equal(DomainErrors.InvalidAmount, await OutcomeAsync(() => wallet.ChargeAsync(0)));
        Assert.Equal(DomainErrors.UserNotFound, await OutcomeAsync(() => _grains.GetGrain<IUserGrain>(-1).GetBalanceAsync()));
    }

    [StorageFact]
    public async Task RepeatingAnIssueForOneUserIssuesOneCoupon()
    {
        var userId = await _grains.NewUserAsync();
        var couponId = await _grains.NewCouponAsync(discount: 700, quantity: 10);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => OutcomeAsync(() => coupon.IssueAsync(userId))));
        // What the coupon grain tells the user before it issues; a repeat from a retried issue adds nothing.
        await _grains.GetGrain<IUserGrain>(userId).AddCouponAsync(couponId);

        Assert.Equal(1, outcomes.Count(o => o == Ok));
        Assert.Equal(Repeats - 1, outcomes.Count(o => o == DomainErrors.CouponAlreadyIssued));
        Assert.Equal((1, 9), ((await coupon.GetAsync()).IssuedQuantity, (await coupon.GetAsync()).Remaining));
        Assert.Equal([couponId], await _grains.GetGrain<IUserGrain>(userId).GetCouponIdsAsync());
        Assert.Equal(DomainErrors.UserNotFound, await OutcomeAsync(() => coupon.IssueAsync(-1)));
        Assert.Equal(DomainErrors.CouponNotFound, await OutcomeAsync(() => _grains.GetGrain<ICouponGrain>(-1).GetAsync()));
    }

    [StorageFact]
    public async Task ProductAndCouponStepsRepeatedByOneOrderApplyOnce()
    {
        var userId = await _grains.NewUserAsync();
        var productId = await _grains.NewProductAsync(price: 1_000, stock: 10);
        var product = _grains.GetGrain<IProductGrain>(productId);
        var couponId = await _grains.NewCouponAsync(discount: 300, quantity: 1);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        await coupon.IssueAsync(userId);
        var orderId = await _grains.NextIdAsync(IdSequences.Order);

        var lines = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => product.ReserveAsync(orderId, 4)));
        var discounts = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => coupon.ReserveAsync(userId, orderId)));
        await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => product.ConfirmAsync(orderId)));
        await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => coupon.ConfirmUseAsync(orderId)));
        await product.ReleaseAsync(orderId);
        await coupon.ReleaseAsync(orderId);
        var adjusted = await product.AdjustStockAsync(5);

        Assert.All(lines, l => Assert.Equal(new ReservedLine(productId, "product" + productId, 1_000, 4, productId, IProductGrain.DefaultOptionName), l));
        Assert.All(discounts, d => Assert.Equal(300, d));
        Assert.Equal(11, adjusted.Stock);
        var stored = await fixture.Cluster.StoredStateAsync<ProductState>("product", product);
        Assert.Equal((11, 0, 4L), (stored.Stock, stored.Reservations.Count, stored.Sold));
        Assert.Equal(UserCouponStatus.Used, (await coupon.GetUserCouponAsync(userId))!.Status);
        Assert.Equal(DomainErrors.StockInsufficient, await OutcomeAsync(() => product.AdjustStockAsync(-12)));
        Assert.Equal(DomainErrors.CouponNotUsable, await OutcomeAsync(() => coupon.ReserveAsync(userId, orderId + 1)));
    }

    [StorageFact]
    public async Task AnIdempotencyKeyRunsItsRequestOnceAndReplaysTheAnswer()
    {
        var key = "charge:" + Guid.NewGuid().ToString("N");
        var idempotency = _grains.GetGrain<IIdempotencyGrain>(key);
        var answer = new IdempotentResponse(200, """{"balance":1000}""");

        var started = await idempotency.BeginAsync("hash-a", IdSequences.Order);
        var whileRunning = await idempotency.BeginAsync("hash-a", IdSequences.Order);
        await idempotency.AbandonAsync("hash-a");
        var retried = await idempotency.BeginAsync("hash-a", IdSequences.Order);
        await idempotency.CompleteAsync("hash-a", answer);
        var replayed = await idempotency.BeginAsync("hash-a", IdSequences.Order);
        var reused = await idempotency.BeginAsync("hash-b");

        Assert.Equal(IdempotencyOutcome.Started, started.Outcome);
        Assert.NotNull(started.ReservedId);
        Assert.Equal((IdempotencyOutcome.InProgress, started.ReservedId), (whileRunning.Outcome, whileRunning.ReservedId));
        Assert.Equal((IdempotencyOutcome.Started, started.ReservedId), (retried.Outcome, retried.ReservedId));
        Assert.Equal(new IdempotencyTicket(IdempotencyOutcome.Completed, started.ReservedId, answer), replayed);
        Assert.Equal(IdempotencyOutcome.KeyReused, reused.Outcome);
    }

    [StorageFact]
    public async Task ARunWhoseSiloDiedNoLongerHoldsItsKeyAndALiveOneDoes()
    {
        var live = fixture.Cluster.Primary!.SiloAddress;
        // The same endpoint one generation earlier: a node that was killed and restarted, which membership calls dead.
        var dead = SiloAddress.New(live.Endpoint, live.Generation - 1);

        var onLive = _grains.GetGrain<IIdempotencyGrain>("pay:" + Guid.NewGuid().ToString("N"));
        Assert.Equal(IdempotencyOutcome.Started, (await onLive.BeginAsync("hash", runner: live)).Outcome);
        Assert.Equal(IdempotencyOutcome.InProgress, (await onLive.BeginAsync("hash", runner: live)).Outcome);

        var onDead = _grains.GetGrain<IIdempotencyGrain>("pay:" + Guid.NewGuid().ToString("N"));
        Assert.Equal(IdempotencyOutcome.Started, (await onDead.BeginAsync("hash", runner: dead)).Outcome);
        Assert.Equal(IdempotencyOutcome.Started, (await onDead.BeginAsync("hash", runner: live)).Outcome);
        Assert.Equal(IdempotencyOutcome.InProgress, (await onDead.BeginAsync("hash", runner: live)).Outcome);
    }

    [StorageFact]
    public async Task AnEmailBelongsToItsFirstRegisteredUserAndRegistrationRepeatsIdempotently()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var first = await _grains.NextIdAsync(IdSequences.User);
        var second = await _grains.NextIdAsync(IdSequences.User);
        var owner = _grains.GetGrain<IEmailGrain>(IEmailGrain.Normalize(email));

        var profiles = await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => _grains.GetGrain<IUserGrain>(first).RegisterAsync("Kim", email)));
        await owner.ReleaseAsync(second);

        Assert.All(profiles, p => Assert.Equal(profiles[0], p));
        Assert.Equal(first, await owner.GetOwnerAsync());
        Assert.Equal(DomainErrors.EmailTaken, await OutcomeAsync(() => owner.ClaimAsync(second)));
        Assert.Equal(DomainErrors.EmailTaken,
            await OutcomeAsync(() => _grains.GetGrain<IUserGrain>(second).RegisterAsync("Lee", email.ToUpperInvariant())));
        Assert.Equal(DomainErrors.UserAlreadyRegistered,
            await OutcomeAsync(() => _grains.GetGrain<IUserGrain>(first).RegisterAsync("Someone else", email)));
        Assert.True(await _grains.GetGrain<IUserGrain>(first).IsRegisteredWithAsync(IEmailGrain.Normalize(email)));
        Assert.Equal(DomainErrors.UserNotFound, await OutcomeAsync(() => _grains.GetGrain<IUserGrain>(second).GetAsync()));
        Assert.Null(await _grains.GetGrain<IEmailGrain>($"{Guid.NewGuid():N}@example.com").GetOwnerAsync());
    }

    [StorageFact]
    public async Task ARedeliveredPaidOrderEventIsCountedOnceInTheRanking()
    {
        var ranking = _grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key);
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var eventId = Guid.NewGuid();
        var paid = new OrderPaid(await _grains.NextIdAsync(IdSequences.Order), 1, [new OrderLine(productId, "Kettle", 7, 100, 700)],
            700, 0, 700, null, DateTimeOffset.UtcNow);

        await Task.WhenAll(Enumerable.Range(0, Repeats).Select(_ => ranking.RecordPaidOrderAsync(eventId, paid)));
        await ranking.RecordPaidOrderAsync(Guid.NewGuid(), paid with { OrderId = await _grains.NextIdAsync(IdSequences.Order) });

        var top = await ranking.GetTopAsync(1, IProductRankingGrain.MaxLimit);
        Assert.Equal(("Kettle", 14L), (top.Single(p => p.ProductId == productId).Name, top.Single(p => p.ProductId == productId).SalesCount));
        Assert.Equal(DomainErrors.ValidationFailed, await OutcomeAsync(() => ranking.GetTopAsync(0, 10)));
    }

    [StorageFact]
    public async Task APaymentRepeatedUnderItsKeyAfterItWentThroughGetsThatPaymentAndNoOtherPaymentDoes()
    {
        var userId = await _grains.NewUserAsync(charge: 10_000);
        var product = await _grains.NewProductAsync(price: 3_000, stock: 5);
        var (orderId, _) = await _grains.NewOrderAsync(userId, [new(product, 1)]);
        var order = _grains.GetGrain<IOrderGrain>(orderId);

        var paid = await order.PayAsync(userId, "pay-key");
        // The answer of the first request was lost (its idempotency grain's node died): the client sends it again.
        var again = await order.PayAsync(userId, "pay-key");

        Assert.Equal(new PaymentResult(orderId, OrderStatus.Paid, 3_000, 7_000, paid.PaidAt), paid);
        Assert.Equal(paid, again);
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => order.PayAsync(userId, "another-key")));
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => order.PayAsync(userId)));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => order.PayAsync(userId + 1, "pay-key")));
        Assert.Equal(7_000, (await _grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
        Assert.Equal(4, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
    }
}
