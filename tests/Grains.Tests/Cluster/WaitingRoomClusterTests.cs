using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteWaitingRoomClusterTests(SqliteClusterFixture fixture) : WaitingRoomClusterTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresWaitingRoomClusterTests(PostgresClusterFixture fixture) : WaitingRoomClusterTests(fixture);

/// <summary>One waiting room for the whole 3-silo cluster: users, the coupon, the product and the room are spread over
/// the silos, and the Queue-Token travels with the calls from one to the other.</summary>
public abstract class WaitingRoomClusterTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private static async Task<string> WithTokenAsync(long userId, string? token, Func<Task> call)
    {
        // Each async lambda has its own copy of the request context, so concurrent users do not see each other's token.
        QueuePass.Attach(userId, token);
        return await OutcomeAsync(call);
    }

    [StorageFact]
    public async Task TwoHundredUsersAcrossTheSilosAreAdmittedExactlyAndOnlyTheAdmittedTakeTheCoupon()
    {
        const int users = 200;
        const int perInterval = 50;
        const int quantity = 120;
        var userIds = await Task.WhenAll(Enumerable.Range(0, users).Select(_ => _grains.NewUserAsync()));
        var stranger = await _grains.NewUserAsync();
        var couponId = await _grains.NewCouponAsync(discount: 1_000, quantity: quantity);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        var room = _grains.GetGrain<IQueueGrain>(new QueueTarget(QueueKind.Coupons, couponId).Key);
        await room.OpenAsync(new QueueSettings(perInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)));

        var tickets = await Task.WhenAll(userIds.Select(u => room.TakeTokenAsync(u)));
        Assert.Equal(Enumerable.Range(1, users), tickets.Select(t => t.Position).Order());
        // Before the first boundary nobody is through.
        Assert.Equal(DomainErrors.QueueTokenRequired, await WithTokenAsync(userIds[0], tickets[0].Token, () => coupon.IssueAsync(userIds[0])));

        var admitted = await WaitForAsync(room.GetAsync, v => v.Admitted == users, "every token admitted");
        Assert.All(admitted.Admissions.Select((a, i) => a.UpToPosition - (i == 0 ? 0 : admitted.Admissions[i - 1].UpToPosition)),
            count => Assert.InRange(count, 1, perInterval));
        var outcomes = await Task.WhenAll(userIds.Select((u, i) => WithTokenAsync(u, tickets[i].Token, () => coupon.IssueAsync(u))));

        Assert.Equal(quantity, outcomes.Count(o => o == Ok));
        Assert.Equal(users - quantity, outcomes.Count(o => o == DomainErrors.CouponSoldOut));
        Assert.Equal(DomainErrors.QueueTokenRequired, await WithTokenAsync(stranger, tickets[0].Token, () => coupon.IssueAsync(stranger)));
        Assert.Equal(quantity, (await coupon.GetAsync()).IssuedQuantity);
        var stored = await fixture.Cluster.StoredStateAsync<QueueState>("queue", room);
        Assert.Equal((users, users), (stored.Entries.Count, stored.Admitted));
        Assert.True(await _grains.SilosHostingAsync(userIds.Select(u => (IAddressable)_grains.GetGrain<IUserGrain>(u))) > 1,
            "the users all ran on one silo");
        await room.CloseAsync();
    }

    [StorageFact]
    public async Task AnOrderCarriesTheTokenThroughTheOrderGrainToTheGatedProduct()
    {
        var buyer = await _grains.NewUserAsync();
        var gated = await _grains.NewProductAsync(price: 1_000, stock: 3);
        var free = await _grains.NewProductAsync(price: 500, stock: 3);
        var room = _grains.GetGrain<IQueueGrain>(new QueueTarget(QueueKind.Products, gated).Key);
        await room.OpenAsync(new QueueSettings(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)));
        var ticket = await room.TakeTokenAsync(buyer);

        var refused = await WithTokenAsync(buyer, null, () => _grains.NewOrderAsync(buyer, [new(free, 1), new(gated, 1)]));
        Assert.Equal(DomainErrors.QueueTokenRequired, refused);
        // The free line held before the gated one refused is released with it.
        Assert.Equal((3, 3), ((await _grains.GetGrain<IProductGrain>(free).GetAsync()).Stock, (await _grains.GetGrain<IProductGrain>(gated).GetAsync()).Stock));

        await WaitForAsync(() => room.GetTokenAsync(buyer, ticket.Token), t => t.Status == QueueTokenStatus.Admitted, "admitted");
        Assert.Equal(Ok, await WithTokenAsync(buyer, ticket.Token, () => _grains.NewOrderAsync(buyer, [new(free, 1), new(gated, 1)])));
        Assert.Equal((2, 2), ((await _grains.GetGrain<IProductGrain>(free).GetAsync()).Stock, (await _grains.GetGrain<IProductGrain>(gated).GetAsync()).Stock));
        await room.CloseAsync();
    }
}
