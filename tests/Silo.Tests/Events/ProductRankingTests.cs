using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Events;

public sealed class ProductRankingTests : IDisposable
{
    // 2025-03-10 12:00 in Seoul.
    private static readonly DateTimeOffset Noon = new(2025, 3, 10, 3, 0, 0, TimeSpan.Zero);

    private readonly string _database = EventsHost.NewDatabaseFile();

    public void Dispose() => EventsHost.DeleteDatabase(_database);
    private readonly ManualClock _clock = new(Noon);

    private Task<EventsHost> StartAsync() =>
        EventsHost.StartAsync(_database, services => services.AddSingleton<TimeProvider>(_clock));

    private static long _lastOrderId;

    // Each call is another paid order: the ranking knows an order it counted by its id.
    private static OrderPaid Paid(DateTimeOffset paidAt, params (long ProductId, int Quantity)[] lines) =>
        new(Interlocked.Increment(ref _lastOrderId), 1, lines.Select(line => new OrderLine(line.ProductId, $"product {line.ProductId}", line.Quantity, 1_000,
            line.Quantity * 1_000L)).ToList(), 0, 0, 0, null, paidAt);

    private static List<(int Rank, long ProductId, string Name, long SalesCount)> Ranks(IEnumerable<TopProduct> top) =>
        top.Select(t => (t.Rank, t.ProductId, t.Name, t.SalesCount)).ToList();

    [Fact]
    public async Task AProductsRankSumsItsOptionsAndEachEntryListsThemMostSoldFirst()
    {
        await using var host = await StartAsync();
        OrderLine Line(long productId, long optionId, string option, int quantity) =>
            new(productId, $"product {productId}", quantity, 1_000, quantity * 1_000L, optionId, option);
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(),
            new OrderPaid(1, 1, [Line(7, 7, "S", 2), Line(7, 8, "M", 3), Line(9, 9, "default", 4)], 0, 0, 0, null, Noon));
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(),
            new OrderPaid(2, 1, [Line(7, 7, "S", 2)], 0, 0, 0, null, Noon));
        // A line stored before options existed counts as the product's one option, whose id is the product id.
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(),
            new OrderPaid(3, 1, [new OrderLine(9, "product 9", 1, 1_000, 1_000)], 0, 0, 0, null, Noon));

        var top = await host.Ranking.GetTopAsync(1, 5);

        Assert.Equal([(1, 7L, "product 7", 7L), (2, 9L, "product 9", 5L)], Ranks(top));
        Assert.Equal([new TopProductOption(7, "S", 4), new TopProductOption(8, "M", 3)], top[0].Options);
        Assert.Equal([new TopProductOption(9, "default", 5)], top[1].Options);
    }

    [Fact]
    public async Task ADuplicateDeliveryOfOnePaidOrderCountsItOnce()
    {
        await using var host = await StartAsync();
        var eventId = Guid.NewGuid();
        var paid = Paid(Noon, (1, 2), (2, 1));

        await host.Ranking.RecordPaidOrderAsync(eventId, paid);
        await host.Ranking.RecordPaidOrderAsync(eventId, paid);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Ranking.RecordPaidOrderAsync(eventId, paid)));

        Assert.Equal([(1, 1L, "product 1", 2L), (2, 2L, "product 2", 1L)], Ranks(await host.Ranking.GetTopAsync(1, 5)));
    }

    [Fact]
    public async Task ARedeliveryAfterARestartIsNotCountedAgainAndTheCountsSurviveTheRestart()
    {
        var eventId = Guid.NewGuid();
        var paid = Paid(Noon, (7, 3));
        await using (var before = await StartAsync())
        {
            await before.Ranking.RecordPaidOrderAsync(eventId, paid);
        }

        await using var after = await StartAsync();
        Assert.Equal(3, await after.SalesOfAsync(7));

        await after.Ranking.RecordPaidOrderAsync(eventId, paid);
        await after.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon, (7, 1)));

        Assert.Equal(4, await after.SalesOfAsync(7));
    }

    [Fact]
    public async Task ARankingOverThreeDaysIgnoresTheFourthDayBack()
    {
        await using var host = await StartAsync();
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon, (1, 1)));
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon.AddDays(-1), (2, 2)));
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon.AddDays(-2), (3, 3)));
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon.AddDays(-3), (4, 100)));

        Assert.Equal([3L, 2L, 1L], (await host.Ranking.GetTopAsync(3, 5)).Select(top => top.ProductId));
        Assert.Equal([4L, 3L, 2L, 1L], (await host.Ranking.GetTopAsync(4, 5)).Select(top => top.ProductId));
    }

    [Fact]
    public async Task BusinessDaysFollowTheRankingTimeZoneNotUtc()
    {
        await using var host = await StartAsync();
        // 2025-03-09 15:30 UTC is 2025-03-10 00:30 in Seoul: today there, yesterday in UTC.
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(new DateTimeOffset(2025, 3, 9, 15, 30, 0, TimeSpan.Zero), (5, 1)));
        // 2025-03-09 14:30 UTC is 23:30 on the 9th in Seoul: yesterday.
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(new DateTimeOffset(2025, 3, 9, 14, 30, 0, TimeSpan.Zero), (6, 1)));

        Assert.Equal([5L], (await host.Ranking.GetTopAsync(1, 5)).Select(top => top.ProductId));
    }

    [Fact]
    public async Task TheTopIsOrderedBySalesThenProductIdAndCutAtTheLimit()
    {
        await using var host = await StartAsync();
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon, (30, 2), (10, 5), (20, 2), (40, 1)));

        Assert.Equal([(1, 10L, "product 10", 5L), (2, 20L, "product 20", 2L), (3, 30L, "product 30", 2L)],
            Ranks(await host.Ranking.GetTopAsync(1, 3)));
    }

    [Fact]
    public async Task TheRankingMovesToTheNextDayWithTheClock()
    {
        await using var host = await StartAsync();
        await host.Ranking.RecordPaidOrderAsync(Guid.NewGuid(), Paid(Noon, (1, 1)));

        _clock.Now = Noon.AddDays(1);

        Assert.Empty(await host.Ranking.GetTopAsync(1, 5));
        Assert.Equal(1, await host.SalesOfAsync(1, days: 2));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(31, 5)]
    [InlineData(3, 0)]
    [InlineData(3, 51)]
    public async Task DaysOutside1To30OrALimitOutside1To50AreRejected(int days, int limit)
    {
        await using var host = await StartAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => host.Ranking.GetTopAsync(days, limit));

        Assert.Equal(DomainErrors.ValidationFailed, error.Code);
    }
}
