using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.Tests.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ECommerce.Silo.Tests.Queues;

/// <summary>The waiting-room grain and the coupon and product gates on one silo over SQLite, with a clock moved by
/// hand; a restart is a new silo over the same file.</summary>
public sealed class WaitingRoomGrainTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly QueueSettings ThreeEveryTenSeconds = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    private readonly string _database = EventsHost.NewDatabaseFile();
    private readonly ManualClock _clock = new(Start);

    public void Dispose()
    {
        RequestContext.Clear();
        EventsHost.DeleteDatabase(_database);
    }

    private Task<EventsHost> StartAsync() =>
        EventsHost.StartAsync(_database, services => services.AddSingleton<TimeProvider>(_clock));

    private static async Task<long> NewCouponAsync(EventsHost host, long couponId, int quantity)
    {
        await host.Grains.GetGrain<ICouponGrain>(couponId).CreateAsync("flash", 1_000, quantity, Start.AddDays(1));
        return couponId;
    }

    private static async Task<List<long>> NewUsersAsync(EventsHost host, int count, long first = 1)
    {
        var users = Enumerable.Range(0, count).Select(i => first + i).ToList();
        await Task.WhenAll(users.Select(u => host.Grains.GetGrain<IUserGrain>(u).RegisterAsync($"user{u}", $"user{u}@example.test")));
        return users;
    }

    private static IQueueGrain Room(EventsHost host, QueueKind kind, long id) =>
        host.Grains.GetGrain<IQueueGrain>(new QueueTarget(kind, id).Key);

    private static async Task<string> CodeOfAsync(Func<Task> call) => (await Assert.ThrowsAsync<DomainException>(call)).Code;

    [Fact]
    public async Task TokensFollowArrivalOrderAndTheSameUserGetsTheSameTokenAgain()
    {
        await using var host = await StartAsync();
        var coupon = await NewCouponAsync(host, 1, 100);
        var room = Room(host, QueueKind.Coupons, coupon);
        await room.OpenAsync(ThreeEveryTenSeconds);

        var tickets = await Task.WhenAll(Enumerable.Range(1, 50).Select(u => room.TakeTokenAsync(u)));
        var again = await Task.WhenAll(Enumerable.Range(1, 50).Select(u => room.TakeTokenAsync(u)));

        Assert.Equal(Enumerable.Range(1, 50), tickets.Select(t => t.Position).Order());
        Assert.All(tickets, t => Assert.True(t.Created));
        Assert.Equal(50, tickets.Select(t => t.Token).Distinct().Count());
        Assert.All(tickets, t => Assert.Matches("^[A-Za-z0-9_-]{22}$", t.Token));
        Assert.Equal(tickets.Select(t => (t.Token, t.Position)), again.Select(t => (t.Token, t.Position)));
        Assert.All(again, t => Assert.False(t.Created));
        Assert.Equal(50, (await room.GetAsync()).Tokens);
    }

    [Fact]
    public async Task EachIntervalAdmitsExactlyNInOrderAndAdmissionsExpire()
    {
        await using var host = await StartAsync();
        var coupon = await NewCouponAsync(host, 2, 100);
        var room = Room(host, QueueKind.Coupons, coupon);
        await room.OpenAsync(ThreeEveryTenSeconds);
        var tokens = new List<string>();
        for (var user = 1; user <= 8; user++)
        {
            _clock.Now = Start.AddMilliseconds(user);
            tokens.Add((await room.TakeTokenAsync(user)).Token);
        }

        async Task<QueueTokenStatus[]> StatusesAsync() =>
            (await Task.WhenAll(tokens.Select((t, i) => room.GetTokenAsync(i + 1, t)))).Select(v => v.Status).ToArray();

        _clock.Now = Start.AddSeconds(9.9);
        Assert.All(await StatusesAsync(), s => Assert.Equal(QueueTokenStatus.Waiting, s));
        _clock.Now = Start.AddSeconds(10);
        Assert.Equal(3, (await StatusesAsync()).Count(s => s == QueueTokenStatus.Admitted));
        Assert.Equal([QueueTokenStatus.Admitted, QueueTokenStatus.Admitted, QueueTokenStatus.Admitted], (await StatusesAsync())[..3]);
        _clock.Now = Start.AddSeconds(25);
        Assert.Equal(6, (await StatusesAsync()).Count(s => s == QueueTokenStatus.Admitted));
        var sixth = await room.GetTokenAsync(6, tokens[5]);
        Assert.Equal((Start.AddSeconds(20), Start.AddSeconds(50)), (sixth.AdmittedAt!.Value, sixth.AdmittedUntil!.Value));
        var seventh = await room.GetTokenAsync(7, tokens[6]);
        Assert.Equal((QueueTokenStatus.Waiting, 7, 0), (seventh.Status, seventh.Position, seventh.WaitingAhead));

        // 40 s: the first three are past their 30 s window; 30 s admitted the last two.
        _clock.Now = Start.AddSeconds(40);
        Assert.Equal([QueueTokenStatus.Expired, QueueTokenStatus.Expired, QueueTokenStatus.Expired,
            QueueTokenStatus.Admitted, QueueTokenStatus.Admitted, QueueTokenStatus.Admitted,
            QueueTokenStatus.Admitted, QueueTokenStatus.Admitted], await StatusesAsync());
        var view = await room.GetAsync();
        Assert.Equal([3, 3, 2], view.Admissions.Select((a, i) => a.UpToPosition - (i == 0 ? 0 : view.Admissions[i - 1].UpToPosition)));

        // Another user's token, like a made-up one, is unknown.
        Assert.Equal(DomainErrors.QueueTokenNotFound, await CodeOfAsync(() => room.GetTokenAsync(2, tokens[0])));
        Assert.Equal(DomainErrors.QueueTokenNotFound, await CodeOfAsync(() => room.GetTokenAsync(1, "made-up")));
    }

    [Fact]
    public async Task TheCouponGateWantsTheUsersAdmittedUnexpiredTokenUntilTheRoomCloses()
    {
        await using var host = await StartAsync();
        var coupon = await NewCouponAsync(host, 3, 10);
        var users = await NewUsersAsync(host, 3);
        var grain = host.Grains.GetGrain<ICouponGrain>(coupon);
        var room = Room(host, QueueKind.Coupons, coupon);
        await room.OpenAsync(ThreeEveryTenSeconds with { AdmitPerInterval = 1 });
        var first = await room.TakeTokenAsync(users[0]);
        var second = await room.TakeTokenAsync(users[1]);

        QueuePass.Attach(users[0], token: null);
        Assert.Equal(DomainErrors.QueueTokenRequired, await CodeOfAsync(() => grain.IssueAsync(users[0])));
        QueuePass.Attach(users[0], first.Token);
        Assert.Equal(DomainErrors.QueueTokenRequired, await CodeOfAsync(() => grain.IssueAsync(users[0])));

        _clock.Now = Start.AddSeconds(10);
        // Admitted, but the token of user 0 does not serve user 1.
        QueuePass.Attach(users[1], first.Token);
        Assert.Equal(DomainErrors.QueueTokenRequired, await CodeOfAsync(() => grain.IssueAsync(users[1])));
        QueuePass.Attach(users[0], first.Token);
        Assert.Equal(users[0], (await grain.IssueAsync(users[0])).UserId);

        // User 1 is admitted at 20 s for 30 s: expired at 50 s.
        _clock.Now = Start.AddSeconds(50);
        QueuePass.Attach(users[1], second.Token);
        Assert.Equal(DomainErrors.QueueTokenRequired, await CodeOfAsync(() => grain.IssueAsync(users[1])));
        Assert.Equal(1, (await grain.GetAsync()).IssuedQuantity);

        await room.CloseAsync();
        await room.CloseAsync();
        QueuePass.Attach(users[2], token: null);
        Assert.Equal(users[2], (await grain.IssueAsync(users[2])).UserId);
        Assert.Equal(DomainErrors.QueueNotFound, await CodeOfAsync(() => room.TakeTokenAsync(users[2])));
    }

    [Fact]
    public async Task TheProductGateRefusesAnOrderWithoutAnAdmittedTokenAndHoldsNoStock()
    {
        await using var host = await StartAsync();
        var product = host.Grains.GetGrain<IProductGrain>(40);
        await product.CreateAsync("console", 1_000, 5);
        var users = await NewUsersAsync(host, 1, first: 41);
        var room = Room(host, QueueKind.Products, 40);
        await room.OpenAsync(ThreeEveryTenSeconds);
        var ticket = await room.TakeTokenAsync(users[0]);
        var lines = new List<OrderItemRequest> { new(40, 2) };

        QueuePass.Attach(users[0], ticket.Token);
        Assert.Equal(DomainErrors.QueueTokenRequired,
            await CodeOfAsync(() => host.Grains.GetGrain<IOrderGrain>(400).CreateAsync(users[0], lines, couponId: null)));
        Assert.Equal(5, (await product.GetAsync()).Stock);

        _clock.Now = Start.AddSeconds(10);
        var order = await host.Grains.GetGrain<IOrderGrain>(401).CreateAsync(users[0], lines, couponId: null);
        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        Assert.Equal(3, (await product.GetAsync()).Stock);
    }

    [Fact]
    public async Task ARestartKeepsTokensPositionsAdmissionsAndTheGate()
    {
        var tokens = new List<QueueTicket>();
        long coupon;
        await using (var first = await StartAsync())
        {
            coupon = await NewCouponAsync(first, 5, 10);
            var room = Room(first, QueueKind.Coupons, coupon);
            await room.OpenAsync(ThreeEveryTenSeconds);
            for (var user = 1; user <= 5; user++)
            {
                _clock.Now = Start.AddMilliseconds(user);
                tokens.Add(await room.TakeTokenAsync(user));
            }

            _clock.Now = Start.AddSeconds(12);
            Assert.Equal(3, (await room.GetAsync()).Admitted);
        }

        await using var second = await StartAsync();
        var again = Room(second, QueueKind.Coupons, coupon);
        Assert.Equal(tokens.Select(t => (t.Token, t.Position)),
            (await Task.WhenAll(Enumerable.Range(1, 5).Select(u => again.TakeTokenAsync(u)))).Select(t => (t.Token, t.Position)));
        var view = await again.GetAsync();
        Assert.Equal((5, 3), (view.Tokens, view.Admitted));
        Assert.Equal(QueueTokenStatus.Admitted, (await again.GetTokenAsync(3, tokens[2].Token)).Status);
        Assert.Equal(QueueTokenStatus.Waiting, (await again.GetTokenAsync(4, tokens[3].Token)).Status);
        var sixth = await again.TakeTokenAsync(6);
        Assert.Equal((6, true), (sixth.Position, sixth.Created));

        QueuePass.Attach(9, token: null);
        await second.Grains.GetGrain<IUserGrain>(9).RegisterAsync("user9", "user9@example.test");
        Assert.Equal(DomainErrors.QueueTokenRequired,
            await CodeOfAsync(() => second.Grains.GetGrain<ICouponGrain>(coupon).IssueAsync(9)));
    }

    [Fact]
    public async Task OpeningARoomForAMissingTargetOrWithBadSettingsStoresNothing()
    {
        await using var host = await StartAsync();

        Assert.Equal(DomainErrors.CouponNotFound, await CodeOfAsync(() => Room(host, QueueKind.Coupons, 777).OpenAsync(ThreeEveryTenSeconds)));
        Assert.Equal(DomainErrors.ProductNotFound, await CodeOfAsync(() => Room(host, QueueKind.Products, 777).OpenAsync(ThreeEveryTenSeconds)));
        Assert.Equal(DomainErrors.QueueNotFound, await CodeOfAsync(() => Room(host, QueueKind.Coupons, 777).GetAsync()));
        var coupon = await NewCouponAsync(host, 6, 1);
        Assert.Equal(DomainErrors.ValidationFailed,
            await CodeOfAsync(() => Room(host, QueueKind.Coupons, coupon).OpenAsync(ThreeEveryTenSeconds with { AdmitPerInterval = 0 })));
        Assert.Equal(DomainErrors.QueueNotFound, await CodeOfAsync(() => Room(host, QueueKind.Coupons, coupon).TakeTokenAsync(1)));
        await Room(host, QueueKind.Coupons, 777).CloseAsync();
    }
}
