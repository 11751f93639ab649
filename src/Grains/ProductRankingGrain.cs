using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;
using Microsoft.Extensions.Options;

namespace ECommerce.Grains;

/// <summary>Counts paid orders per business day and product and answers the top sellers from memory. Each event's
/// counts and its id are stored in one write, so a redelivered event is never counted twice, even after a restart.</summary>
[GroupCommit]
public sealed class ProductRankingGrain(
    [PersistentState("ranking")] IPersistentState<ProductRankingState> state,
    IOptions<RankingOptions> options) : Grain, IProductRankingGrain
{
    private readonly IPersistentState<ProductRankingState> _state = state;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    // Events older than the longest window cannot change any answer, so neither they nor their ids are kept.
    private DateOnly KeptFrom => Today.AddDays(1 - IProductRankingGrain.MaxDays);

    private DateOnly Today => BusinessDay(TimeProvider.GetUtcNow());

    public async Task RecordPaidOrderAsync(Guid eventId, OrderPaid order)
    {
        var day = BusinessDay(order.PaidAt);
        var keptFrom = KeptFrom;
        if (day < keptFrom || _state.State.HasCounted(eventId))
        {
            return;
        }

        var sales = order.Items
            .GroupBy(line => line.ProductId)
            .Select(lines => new ProductSales(lines.Key, lines.Last().Name, lines.Sum(line => (long)line.Quantity)))
            .ToList();
        foreach (var sale in sales)
        {
            _state.Append(new ProductSaleCounted(day, sale.ProductId, sale.Quantity));
        }

        _state.Append(new RankingEventCounted(eventId, day, TimeProvider.GetUtcNow()));
        await _state.CommitAsync(_state.State.KeepFrom(keptFrom).Count(eventId, day, sales));
    }

    public Task<IReadOnlyList<TopProduct>> GetTopAsync(int days, int limit)
    {
        if (days is < 1 or > IProductRankingGrain.MaxDays || limit is < 1 or > IProductRankingGrain.MaxLimit)
        {
            throw DomainErrors.Validation(
                $"days must be 1..{IProductRankingGrain.MaxDays} and limit 1..{IProductRankingGrain.MaxLimit}.");
        }

        return Task.FromResult(_state.State.Top(Today, days, limit));
    }

    private DateOnly BusinessDay(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);
}
