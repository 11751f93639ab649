using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Grains.Faults;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ECommerce.Grains;

/// <summary>Counts paid orders per business day and product and answers the top sellers from memory. It consumes the
/// paid-orders stream implicitly, a batch of events per delivery; their counts and order ids are stored in one write
/// before the delivery returns, so a redelivered event is never counted twice, even after a restart.</summary>
[Reentrant]
[ImplicitStreamSubscription(OrderStreams.PaidNamespace)]
public sealed partial class ProductRankingGrain(
    [PersistentState("ranking", GrainStorage.Name)] IPersistentState<ProductRankingState> state,
    IOptions<RankingOptions> options,
    IOptions<GroupCommitOptions> groupCommit,
    CrashPoints crashPoints,
    TimeProvider timeProvider,
    ILogger<ProductRankingGrain> logger) : Grain, IProductRankingGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<OrderPaidEvent>
{
    public const string ConsumerName = "product-ranking";

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    private readonly ILogger _logger = logger;
    private GroupCommit<ProductRankingState> _commit = null!;
    private StreamConsumerProgress _progress = new(ConsumerName, 0, 0, null, null);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<ProductRankingState>(state, GrainContext, groupCommit.Value);
        return Task.CompletedTask;
    }

    // Events older than the longest window cannot change any answer, so neither they nor their ids are kept.
    private DateOnly KeptFrom => Today.AddDays(1 - IProductRankingGrain.MaxDays);

    private DateOnly Today => BusinessDay(timeProvider.GetUtcNow());

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderPaidEvent>().ResumeAsync(this);

    /// <summary>Returns only once the batch's counts are stored: the provider redelivers whatever it was not told of.</summary>
    public async Task OnNextAsync(IList<SequentialItem<OrderPaidEvent>> items)
    {
        try
        {
            await HandleAsync(items);
        }
        catch (Exception)
        {
            // Delivered again by the provider; the admin page and /health/ready see how long it has been failing.
            _progress = _progress.Failed(timeProvider.GetUtcNow());
            throw;
        }
    }

    private async Task HandleAsync(IList<SequentialItem<OrderPaidEvent>> items)
    {
        crashPoints.Reach(StreamCrashPoints.RankingReceived);
        await _commit.WhenReadyAsync();
        var keptFrom = KeptFrom;
        var next = _commit.State.KeepFrom(keptFrom);
        var counted = 0;
        OrderPaid? newest = null;
        foreach (var item in items)
        {
            var day = BusinessDay(item.Item.Order.PaidAt);
            if (day < keptFrom || next.HasCounted(item.Item.EventId, item.Item.Order.OrderId))
            {
                continue;
            }

            next = next.Count(item.Item.Order.OrderId, day, SalesOf(item.Item.Order));
            counted++;
            newest = newest is null || item.Item.Order.PaidAt > newest.PaidAt ? item.Item.Order : newest;
        }

        if (counted == 0)
        {
            // Every one a redelivery: answer only once the write that counted them is stored.
            await _commit.WhenDurableAsync();
        }
        else
        {
            await _commit.CommitAsync(next);
        }

        _progress = _progress.Handled(items.Count, counted, newest?.PaidAt, timeProvider.GetUtcNow());
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex);
        return Task.CompletedTask;
    }

    public async Task RecordPaidOrderAsync(Guid eventId, OrderPaid order)
    {
        await _commit.WhenReadyAsync();
        var day = BusinessDay(order.PaidAt);
        var keptFrom = KeptFrom;
        if (day < keptFrom)
        {
            return;
        }

        if (_commit.State.HasCounted(eventId, order.OrderId))
        {
            // A redelivery while the first delivery's write is still running must not be confirmed before it.
            await _commit.WhenDurableAsync();
            return;
        }

        await _commit.CommitAsync(_commit.State.KeepFrom(keptFrom).Count(order.OrderId, day, SalesOf(order)));
    }

    private static List<ProductSales> SalesOf(OrderPaid order) =>
        order.Items
            .GroupBy(line => line.ProductId)
            .Select(lines => new ProductSales(lines.Key, lines.Last().Name, lines.Sum(line => (long)line.Quantity))
            {
                // A line stored before options existed was the product's one option, whose id is the product id.
                Options = lines
                    .GroupBy(line => line.OptionId == 0 ? line.ProductId : line.OptionId)
                    .Select(option => new OptionSales(option.Key, option.Last().OptionName ?? IProductGrain.DefaultOptionName,
                        option.Sum(line => (long)line.Quantity)))
                    .ToList(),
            })
            .ToList();

    public Task<IReadOnlyList<TopProduct>> GetTopAsync(int days, int limit)
    {
        if (days is < 1 or > IProductRankingGrain.MaxDays || limit is < 1 or > IProductRankingGrain.MaxLimit)
        {
            throw DomainErrors.Validation(
                $"days must be 1..{IProductRankingGrain.MaxDays} and limit 1..{IProductRankingGrain.MaxLimit}.");
        }

        return Task.FromResult(_commit.State.Top(Today, days, limit));
    }

    public async Task<bool> HasCountedAsync(Guid eventId, long orderId, DateTimeOffset paidAt)
    {
        await _commit.WhenReadyAsync();
        if (BusinessDay(paidAt) < KeptFrom)
        {
            return true;
        }

        if (!_commit.State.HasCounted(eventId, orderId))
        {
            return false;
        }

        await _commit.WhenDurableAsync();
        return true;
    }

    public Task<StreamConsumerProgress> GetProgressAsync() => Task.FromResult(_progress);

    private DateOnly BusinessDay(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "The paid-orders stream reported an error to the ranking")]
    private partial void LogStreamError(Exception error);
}
