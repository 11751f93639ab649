using System.Collections.Immutable;
using ECommerce.Grains;
using Orleans.Serialization;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>The ranking remembers the orders it counted by order id, in bitmaps of consecutive ids, so that a
/// redelivered event is not counted twice; its whole state is written on every commit, so that memory must stay small.</summary>
public sealed class RankingRulesTests
{
    private static readonly Serializer Serializer = StoredForm.Serializer;

    private static readonly DateOnly Day = new(2026, 12, 4);

    private static ProductSales[] OneOf(long productId) => [new ProductSales(productId, $"product {productId}", 1)];

    private static ProductRankingState Counted(ProductRankingState state, IEnumerable<long> orderIds, DateOnly day) =>
        orderIds.Aggregate(state, (next, orderId) => next.Count(orderId, day, OneOf(7)));

    [Fact]
    public void ACountedOrderIsKnownByItsIdOnBothSidesOfABlockEdgeAndAfterTheStateIsReadBack()
    {
        long[] counted = [1, CountedOrderBlock.Size - 1, CountedOrderBlock.Size, 3 * CountedOrderBlock.Size + 17, 1_000_000];
        long[] neighbours = [2, CountedOrderBlock.Size - 2, CountedOrderBlock.Size + 1, 3 * CountedOrderBlock.Size + 16, 999_999];
        var state = Counted(new ProductRankingState(), counted, Day);
        var reread = Serializer.Deserialize<ProductRankingState>(Serializer.SerializeToArray(state))!;

        foreach (var ranking in new[] { state, reread })
        {
            Assert.All(counted, orderId => Assert.True(ranking.HasCounted(Guid.NewGuid(), orderId)));
            Assert.All(neighbours, orderId => Assert.False(ranking.HasCounted(Guid.NewGuid(), orderId)));
            Assert.Equal(counted.Length, ranking.Top(Day, 1, 5).Single().SalesCount);
        }
    }

    [Fact]
    public void ABlockOfCountedOrdersGoesOnlyWhenItsNewestDayIsNoLongerKept()
    {
        var state = Counted(new ProductRankingState(), [10], Day.AddDays(-1));
        state = Counted(state, [20], Day);
        state = Counted(state, [CountedOrderBlock.Size + 5], Day.AddDays(-1));

        var keptFromToday = state.KeepFrom(Day);
        Assert.True(keptFromToday.HasCounted(Guid.NewGuid(), 20));
        Assert.True(keptFromToday.HasCounted(Guid.NewGuid(), 10));
        Assert.False(keptFromToday.HasCounted(Guid.NewGuid(), CountedOrderBlock.Size + 5));

        Assert.Empty(state.KeepFrom(Day.AddDays(1)).CountedOrders);
    }

    [Fact]
    public void EventIdsCountedBeforeOrderIdsAreStillRecognisedUntilTheirDayGoes()
    {
        var eventId = Guid.NewGuid();
        var stored = Serializer.SerializeToArray(new ProductRankingState
        {
            CountedEvents = ImmutableDictionary<Guid, DateOnly>.Empty.Add(eventId, Day),
        });
        var loaded = Serializer.Deserialize<ProductRankingState>(stored)!;

        Assert.True(loaded.HasCounted(eventId, 42));
        Assert.False(loaded.HasCounted(Guid.NewGuid(), 42));
        Assert.False(loaded.KeepFrom(Day.AddDays(1)).HasCounted(eventId, 42));
    }

    [Fact]
    public void TenThousandCountedOrdersStoreInAHundredthOfWhatTheirEventIdsTook()
    {
        const int Orders = 10_000;
        var byOrderId = Counted(new ProductRankingState(), Enumerable.Range(1, Orders).Select(i => (long)i), Day);
        var byEventId = new ProductRankingState
        {
            SalesByDay = byOrderId.SalesByDay,
            Names = byOrderId.Names,
            CountedEvents = Enumerable.Range(0, Orders).ToImmutableDictionary(_ => Guid.NewGuid(), _ => Day),
        };

        var orderIdBytes = Serializer.SerializeToArray(byOrderId).Length;
        var eventIdBytes = Serializer.SerializeToArray(byEventId).Length;

        Assert.True(orderIdBytes * 100 < eventIdBytes, $"{orderIdBytes} bytes by order id, {eventIdBytes} by event id");
    }
}
