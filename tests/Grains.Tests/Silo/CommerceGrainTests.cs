using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains.Tests.Silo;

/// <summary>The commerce grains through the real runtime and SQL storage, on every configured provider.</summary>
public sealed class CommerceGrainTests(CommerceDatabases databases) : IClassFixture<CommerceDatabases>
{
    private readonly ManualClock _clock = new();

    public static TheoryData<string> Providers() => CommerceDatabases.Providers();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheFullFlowChargesIssuesOrdersAndPaysWithExactAmountsAndHistory(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 100_000);
        var mouse = await NewProductAsync(grains, price: 25_000, stock: 10);
        var pad = await NewProductAsync(grains, price: 5_000, stock: 5);
        var couponId = await NewCouponAsync(grains, discount: 3_000, quantity: 10);
        var issued = await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
        var orderId = await NextIdAsync(grains, IdSequences.Order);

        var order = await grains.GetGrain<IOrderGrain>(orderId)
            .CreateAsync(userId, [new(mouse, 2), new(pad, 1)], couponId);
        var payment = await grains.GetGrain<IOrderGrain>(orderId).PayAsync(userId);

        Assert.Equal(UserCouponStatus.Available, issued.Status);
        Assert.Equal((55_000L, 3_000L, 52_000L), (order.TotalPrice, order.DiscountAmount, order.PayAmount));
        Assert.Equal((OrderStatus.Paid, 52_000L, 48_000L), (payment.Status, payment.PaidAmount, payment.Balance));
        Assert.Equal(8, (await grains.GetGrain<IProductGrain>(mouse).GetAsync()).Stock);
        Assert.Equal(4, (await grains.GetGrain<IProductGrain>(pad).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Used,
            (await grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status);
        var history = await grains.GetGrain<IUserGrain>(userId).GetHistoryAsync();
        Assert.Equal(
            [(BalanceTransactionType.Use, 52_000L, 48_000L, (long?)orderId), (BalanceTransactionType.Charge, 100_000L, 100_000L, null)],
            history.Select(h => (h.Type, h.Amount, h.BalanceAfter, h.OrderId)));
        Assert.Equal(1, await host.ScalarAsync(
            "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderPaid' AND payload LIKE @order", ("@order", $"%\"orderId\":{orderId},%")));
        Assert.Equal(1, await host.ScalarAsync(
            "SELECT COUNT(*) FROM payment WHERE order_id = @id AND payment_status = 'SUCCESS' AND amount = 52000", ("@id", orderId)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ManyUsersRacingForACouponGetExactlyItsQuantityAlsoAfterARestart(string provider)
    {
        long couponId;
        List<long> users;
        await using (var host = await databases.StartAsync(provider, _clock))
        {
            couponId = await NewCouponAsync(host.Grains, discount: 1_000, quantity: 5);
            users = [];
            for (var i = 0; i < 12; i++)
            {
                users.Add(await NewUserAsync(host.Grains, charge: 0));
            }

            var coupon = host.Grains.GetGrain<ICouponGrain>(couponId);
            var outcomes = await Task.WhenAll(users.Select(u => OutcomeAsync(() => coupon.IssueAsync(u))));
            var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OutcomeAsync(() => coupon.IssueAsync(users[0]))));

            Assert.Equal(5, outcomes.Count(o => o == "OK"));
            Assert.Equal(7, outcomes.Count(o => o == DomainErrors.CouponSoldOut));
            Assert.DoesNotContain("OK", again);
        }

        await using (var restarted = await databases.StartAsync(provider, _clock))
        {
            var coupon = await restarted.Grains.GetGrain<ICouponGrain>(couponId).GetAsync();
            var holders = 0;
            foreach (var user in users)
            {
                holders += (await restarted.Grains.GetGrain<IUserGrain>(user).GetCouponIdsAsync()).Count(id => id == couponId);
            }

            Assert.Equal((5, 0), (coupon.IssuedQuantity, coupon.Remaining));
            Assert.Equal(5, holders);
            Assert.Equal(5, await restarted.ScalarAsync("SELECT COUNT(*) FROM user_coupon WHERE coupon_id = @id", ("@id", couponId)));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentOrdersNeverOversellAndAFailedOrderHoldsNothing(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 0);
        var scarce = await NewProductAsync(grains, price: 1_000, stock: 3);
        var plenty = await NewProductAsync(grains, price: 500, stock: 100);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var orderId = await NextIdAsync(grains, IdSequences.Order);
            return await OutcomeAsync(() => grains.GetGrain<IOrderGrain>(orderId)
                .CreateAsync(userId, [new(plenty, 1), new(scarce, 1)], null));
        }));

        Assert.Equal(3, outcomes.Count(o => o == "OK"));
        Assert.Equal(5, outcomes.Count(o => o == DomainErrors.StockInsufficient));
        Assert.Equal(0, (await grains.GetGrain<IProductGrain>(scarce).GetAsync()).Stock);
        Assert.Equal(97, (await grains.GetGrain<IProductGrain>(plenty).GetAsync()).Stock);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PayingOneOrderManyTimesAtOnceDebitsOnce(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 10_000);
        var product = await NewProductAsync(grains, price: 3_000, stock: 10);
        var orderId = await NextIdAsync(grains, IdSequences.Order);
        var order = grains.GetGrain<IOrderGrain>(orderId);
        await order.CreateAsync(userId, [new(product, 1)], null);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OutcomeAsync(() => order.PayAsync(userId))));

        Assert.Equal(1, outcomes.Count(o => o == "OK"));
        Assert.Equal(5, outcomes.Count(o => o == DomainErrors.OrderNotPayable));
        Assert.Equal(7_000, (await grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnUnderfundedPaymentIsRecordedAndTheOrderCanBePaidAfterACharge(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 1_000);
        var product = await NewProductAsync(grains, price: 3_000, stock: 10);
        var orderId = await NextIdAsync(grains, IdSequences.Order);
        var order = grains.GetGrain<IOrderGrain>(orderId);
        await order.CreateAsync(userId, [new(product, 1)], null);

        var refused = await OutcomeAsync(() => order.PayAsync(userId));
        var afterRefusal = (await order.GetAsync()).Status;
        await grains.GetGrain<IUserGrain>(userId).ChargeAsync(2_000);
        var paid = await order.PayAsync(userId);

        Assert.Equal(DomainErrors.BalanceInsufficient, refused);
        Assert.Equal(OrderStatus.PendingPayment, afterRefusal);
        Assert.Equal(0, paid.Balance);
        Assert.Equal(1, await host.ScalarAsync(
            "SELECT COUNT(*) FROM payment WHERE order_id = @id AND payment_status = 'FAILED' AND failure_reason = 'BALANCE_INSUFFICIENT'",
            ("@id", orderId)));
        Assert.Equal(2, await host.ScalarAsync("SELECT COUNT(*) FROM payment WHERE order_id = @id", ("@id", orderId)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnUnpaidOrderExpiresThroughItsReminderAndGivesBackStockAndCoupon(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 100_000);
        var product = await NewProductAsync(grains, price: 3_000, stock: 4);
        var couponId = await NewCouponAsync(grains, discount: 1_000, quantity: 1);
        await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
        var orderId = await NextIdAsync(grains, IdSequences.Order);
        var order = grains.GetGrain<IOrderGrain>(orderId);
        await order.CreateAsync(userId, [new(product, 3)], couponId);

        _clock.Advance(TimeSpan.FromMinutes(5));
        var status = await WaitForAsync(order, s => s.Status != OrderStatus.PendingPayment);

        Assert.Equal(OrderStatus.Expired, status.Status);
        Assert.Equal(4, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Available,
            (await grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status);
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => order.PayAsync(userId)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task APaymentInterruptedAfterTheDebitResumesOnReactivationWithoutDebitingTwice(string provider)
    {
        long userId, orderId, product;
        await using (var host = await databases.StartAsync(provider, _clock))
        {
            var grains = host.Grains;
            userId = await NewUserAsync(grains, charge: 10_000);
            product = await NewProductAsync(grains, price: 4_000, stock: 2);
            orderId = await NextIdAsync(grains, IdSequences.Order);
            await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(userId, [new(product, 1)], null);
            // What a crash leaves behind: PAYING persisted and the wallet debited, nothing after.
            await grains.GetGrain<IUserGrain>(userId).DebitAsync(orderId, 4_000);
            await host.ExecuteAsync("UPDATE orders SET status = 'PAYING' WHERE id = @id", ("@id", orderId));
        }

        await using (var restarted = await databases.StartAsync(provider, _clock))
        {
            var order = await restarted.Grains.GetGrain<IOrderGrain>(orderId).GetAsync();

            Assert.Equal(OrderStatus.Paid, order.Status);
            Assert.Equal(6_000, (await restarted.Grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
            Assert.Equal(1, (await restarted.Grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
            Assert.Equal(1, await restarted.ScalarAsync(
                "SELECT COUNT(*) FROM user_point_history WHERE order_id = @id", ("@id", orderId)));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EmailsStayUniqueAcrossARestartAndRegistrationIsIdempotent(string provider)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        long first, second;
        await using (var host = await databases.StartAsync(provider, _clock))
        {
            first = await NextIdAsync(host.Grains, IdSequences.User);
            second = await NextIdAsync(host.Grains, IdSequences.User);
            await host.Grains.GetGrain<IUserGrain>(first).RegisterAsync("Kim", email);
            await host.Grains.GetGrain<IUserGrain>(first).RegisterAsync("Kim", email.ToUpperInvariant());
            Assert.Equal(DomainErrors.EmailTaken,
                await OutcomeAsync(() => host.Grains.GetGrain<IUserGrain>(second).RegisterAsync("Lee", email)));
        }

        await using (var restarted = await databases.StartAsync(provider, _clock))
        {
            Assert.Equal(DomainErrors.EmailTaken,
                await OutcomeAsync(() => restarted.Grains.GetGrain<IUserGrain>(second).RegisterAsync("Lee", email)));
            Assert.Equal(DomainErrors.UserNotFound,
                await OutcomeAsync(() => restarted.Grains.GetGrain<IUserGrain>(second).GetAsync()));
            Assert.Equal(email, (await restarted.Grains.GetGrain<IUserGrain>(first).GetAsync()).Email);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task IdsAndTheCatalogSurviveARestart(string provider)
    {
        long before, product;
        await using (var host = await databases.StartAsync(provider, _clock))
        {
            product = await NewProductAsync(host.Grains, price: 777_777, stock: 1);
            before = await NextIdAsync(host.Grains, IdSequences.Product);
        }

        await using var restarted = await databases.StartAsync(provider, _clock);
        var after = await NextIdAsync(restarted.Grains, IdSequences.Product);
        var page = await restarted.Grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
            .SearchAsync(new CatalogQuery(MinPrice: 777_777, MaxPrice: 777_777, Size: 100));

        Assert.True(after > before, $"{after} was handed out after {before}");
        Assert.Contains(page.Items, i => i.ProductId == product);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CancellingGivesBackStockAndCouponButAPaidOrderCannotBeCancelled(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 50_000);
        var stranger = await NewUserAsync(grains, charge: 50_000);
        var product = await NewProductAsync(grains, price: 2_000, stock: 5);
        var couponId = await NewCouponAsync(grains, discount: 500, quantity: 1);
        await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
        var cancelled = grains.GetGrain<IOrderGrain>(await NextIdAsync(grains, IdSequences.Order));
        var paid = grains.GetGrain<IOrderGrain>(await NextIdAsync(grains, IdSequences.Order));
        await cancelled.CreateAsync(userId, [new(product, 2)], couponId);

        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => cancelled.CancelAsync(stranger)));
        Assert.Equal(DomainErrors.OrderNotFound, await OutcomeAsync(() => cancelled.PayAsync(stranger)));
        Assert.Equal(OrderStatus.Cancelled, (await cancelled.CancelAsync(userId)).Status);
        Assert.Equal(5, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        await paid.CreateAsync(userId, [new(product, 1)], couponId);
        await paid.PayAsync(userId);

        Assert.Equal(DomainErrors.OrderNotCancellable, await OutcomeAsync(() => paid.CancelAsync(userId)));
        Assert.Equal(DomainErrors.OrderNotPayable, await OutcomeAsync(() => cancelled.PayAsync(userId)));
        Assert.Equal(4, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(48_500, (await grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OneCouponOnTwoOrdersAtOnceIsHeldByOneAndTheOtherHoldsNoStock(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var grains = host.Grains;
        var userId = await NewUserAsync(grains, charge: 0);
        var product = await NewProductAsync(grains, price: 2_000, stock: 10);
        var couponId = await NewCouponAsync(grains, discount: 500, quantity: 1);
        await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            var orderId = await NextIdAsync(grains, IdSequences.Order);
            return await OutcomeAsync(() => grains.GetGrain<IOrderGrain>(orderId)
                .CreateAsync(userId, [new(product, 3)], couponId));
        }));

        Assert.Equal([DomainErrors.CouponNotUsable, "OK"], outcomes.Order(StringComparer.Ordinal));
        Assert.Equal(7, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
        Assert.Equal(UserCouponStatus.Reserved,
            (await grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentChargesAndDebitsLeaveExactlyStartPlusChargesMinusSuccessfulDebits(string provider)
    {
        await using var host = await databases.StartAsync(provider, _clock);
        var userId = await NewUserAsync(host.Grains, charge: 5_000);
        var wallet = host.Grains.GetGrain<IUserGrain>(userId);
        var orderIds = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            orderIds.Add(await NextIdAsync(host.Grains, IdSequences.Order));
        }

        var charges = Enumerable.Range(0, 10).Select(_ => OutcomeAsync(() => wallet.ChargeAsync(1_000)));
        var debits = orderIds.Select(orderId => OutcomeAsync(() => wallet.DebitAsync(orderId, 1_500)));
        var outcomes = await Task.WhenAll(charges.Concat(debits));
        var debited = outcomes.Skip(10).Count(o => o == "OK");
        var balance = (await wallet.GetBalanceAsync()).Balance;

        Assert.All(outcomes.Take(10), o => Assert.Equal("OK", o));
        Assert.Equal(5_000 + 10_000 - (debited * 1_500), balance);
        Assert.True(balance >= 0);
        Assert.Equal(balance, await host.ScalarAsync("SELECT balance FROM user_point WHERE id = @id", ("@id", userId)));
    }

    private static async Task<long> NextIdAsync(IGrainFactory grains, string sequence) =>
        await grains.GetGrain<IIdAllocatorGrain>(sequence).NextIdAsync();

    private static async Task<long> NewUserAsync(IGrainFactory grains, long charge)
    {
        var userId = await NextIdAsync(grains, IdSequences.User);
        var user = grains.GetGrain<IUserGrain>(userId);
        await user.RegisterAsync("user" + userId, $"{Guid.NewGuid():N}@example.com");
        if (charge > 0)
        {
            await user.ChargeAsync(charge);
        }

        return userId;
    }

    private static async Task<long> NewProductAsync(IGrainFactory grains, long price, int stock)
    {
        var productId = await NextIdAsync(grains, IdSequences.Product);
        await grains.GetGrain<IProductGrain>(productId).CreateAsync("product" + productId, price, stock);
        return productId;
    }

    private async Task<long> NewCouponAsync(IGrainFactory grains, long discount, int quantity)
    {
        var couponId = await NextIdAsync(grains, IdSequences.Coupon);
        await grains.GetGrain<ICouponGrain>(couponId)
            .CreateAsync("coupon" + couponId, discount, quantity, _clock.GetUtcNow().AddDays(1));
        return couponId;
    }

    private static async Task<string> OutcomeAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (DomainException error)
        {
            return error.Code;
        }
    }

    /// <summary>Waits for a reminder-driven change, which happens on the silo's poll rather than on our call.</summary>
    private static async Task<OrderSnapshot> WaitForAsync(IOrderGrain order, Func<OrderSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var snapshot = await order.GetAsync();
            if (condition(snapshot) || DateTime.UtcNow > deadline)
            {
                return snapshot;
            }

            await Task.Delay(25);
        }
    }
}
