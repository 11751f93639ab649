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

    private static OrderPaid Paid(DateTimeOffset paidAt, params (long ProductId, int Quantity)[] lines) =>
        new(1, 1, lines.Select(line => new OrderLine(line.ProductId, $"product {line.ProductId}", line.Quantity, 1_000,
            line.Quantity * 1_000L)).ToList(), 0, 0, 0, null, paidAt);

    [Fact]
    public async Task ADuplicateDeliveryOfOnePaidOrderCountsItOnce()
    {
        await using var host = await StartAsync();
        var eventId = Guid.NewGuid();

        await host.Ranking.RecordPaidOrderAsync(eventId, Paid(Noon, (1, 2), (2, 1)));
        await host.Ranking.RecordPaidOrderAsync(eventId, Paid(Noon, (1, 2), (2, 1)));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Ranking.RecordPaidOrderAsync(eventId, Paid(Noon, (1, 2), (2, 1)))));

        Assert.Equal([new TopProduct(1, 1, "product 1", 2), new TopProduct(2, 2, "product 2", 1)],
            await host.Ranking.GetTopAsync(1, 5));
    }

    [Fact]
    public async Task ARedeliveryAfterARestartIsNotCountedAgainAndTheCountsSurviveTheRestart()
    {
        var eventId = Guid.NewGuid();
        await using (var before = await StartAsync())
        {
            await before.Ranking.RecordPaidOrderAsync(eventId, Paid(Noon, (7, 3)));
        }

        await using var after = await StartAsync();
        Assert.Equal(3, await after.SalesOfAsync(7));

        await after.Ranking.RecordPaidOrderAsync(eventId, Paid(Noon, (7, 3)));
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

        Assert.Equal(
            [new TopProduct(1, 10, "product 10", 5), new TopProduct(2, 20, "product 20", 2), new TopProduct(3, 30, "product 30", 2)],
            await host.Ranking.GetTopAsync(1, 3));
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
