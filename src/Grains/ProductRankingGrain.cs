using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>Counts paid orders per business day and product and answers the top sellers from memory. Each event's
/// counts and its id are stored in one write, so a redelivered event is never counted twice, even after a restart.</summary>
[Reentrant]
public sealed class ProductRankingGrain(
    [PersistentState("ranking", GrainStorage.Name)] IPersistentState<ProductRankingState> state,
    IOptions<RankingOptions> options,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider) : Grain, IProductRankingGrain
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    private GroupCommit<ProductRankingState> _commit = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<ProductRankingState>(state, GrainContext, groupCommit.Value);
        return Task.CompletedTask;
    }

    // Events older than the longest window cannot change any answer, so neither they nor their ids are kept.
    private DateOnly KeptFrom => Today.AddDays(1 - IProductRankingGrain.MaxDays);

    private DateOnly Today => BusinessDay(timeProvider.GetUtcNow());

    public async Task RecordPaidOrderAsync(Guid eventId, OrderPaid order)
    {
        await _commit.WhenReadyAsync();
        var day = BusinessDay(order.PaidAt);
        var keptFrom = KeptFrom;
        if (day < keptFrom)
        {
            return;
        }

        if (_commit.State.HasCounted(eventId))
        {
            // A redelivery while the first delivery's write is still running must not be confirmed before it.
            await _commit.WhenDurableAsync();
            return;
        }

        var sales = order.Items
            .GroupBy(line => line.ProductId)
            .Select(lines => new ProductSales(lines.Key, lines.Last().Name, lines.Sum(line => (long)line.Quantity)))
            .ToList();
        await _commit.CommitAsync(_commit.State.KeepFrom(keptFrom).Count(eventId, day, sales));
    }

    public Task<IReadOnlyList<TopProduct>> GetTopAsync(int days, int limit)
    {
        if (days is < 1 or > IProductRankingGrain.MaxDays || limit is < 1 or > IProductRankingGrain.MaxLimit)
        {
            throw DomainErrors.Validation(
                $"days must be 1..{IProductRankingGrain.MaxDays} and limit 1..{IProductRankingGrain.MaxLimit}.");
        }

        return Task.FromResult(_commit.State.Top(Today, days, limit));
    }

    private DateOnly BusinessDay(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);
}
