using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>Group commit lets a burst of reservations share one write without answering any caller early.
/// Reentrant for that reason: every method decides and changes state with no await in between.</summary>
[Reentrant]
public sealed class ProductGrain(
    [PersistentState("product", GrainStorage.Name)] IPersistentState<ProductState> state,
    [PersistentState("product-queue-gate", GrainStorage.Name)] IPersistentState<QueueGateState> queueGate,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider) : Grain, IProductGrain, IIncomingGrainCallFilter
{
    private GroupCommit<ProductState> _commit = null!;
    private QueueGate _queueGate = null!;
    private CatalogListing _listing = null!;
    private readonly StockClaims _claims = new();

    private long ProductId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<ProductState>(state, GrainContext, groupCommit.Value);
        _queueGate = new QueueGate(queueGate, GrainContext, groupCommit.Value, GrainFactory,
            new QueueTarget(QueueKind.Products, ProductId));
        _listing = new CatalogListing(GrainFactory, Listing, _commit.WhenDurableAsync, timeProvider);
        return Task.CompletedTask;
    }

    public Task<ProductSnapshot> CreateAsync(string name, long price, int stock) =>
        CreateWithOptionsAsync(name, [new NewProductOption(ProductId, IProductGrain.DefaultOptionName, price, stock)]);

    public async Task<ProductSnapshot> CreateWithOptionsAsync(string name, IReadOnlyList<NewProductOption> options)
    {
        await _commit.WhenReadyAsync();
        var created = ProductState.Create(ProductId, name, options, Now);
        var product = Current;
        if (product.Exists)
        {
            if (!product.IsSameProduct(created))
            {
                throw DomainErrors.Conflict(DomainErrors.ProductAlreadyExists, $"Product {ProductId} already exists with other data.");
            }

            await _commit.WhenDurableAsync();
            return ToSnapshot(product);
        }

        // Answered only once stored, so the caller tells the catalog of a product that exists.
        await _commit.CommitAsync(created);
        return ToSnapshot(created);
    }

    public Task<ProductSnapshot> GetAsync() => Task.FromResult(ToSnapshot(Existing()));

    public Task<ProductSnapshot> ClaimAsync(long orderId, IReadOnlyList<OrderItemRequest> lines)
    {
        var seen = ToSnapshot(Existing(), claimant: orderId);
        if (lines.All(line => seen.ShortageFor(line) is null))
        {
            var units = lines
                .GroupBy(line => seen.Option(line.OptionId).OptionId)
                .ToDictionary(option => option.Key, option => option.Sum(line => line.Quantity));
            _claims.Claim(orderId, units, Now);
        }

        return Task.FromResult(seen);
    }

    public async Task<ProductSnapshot> AdjustStockAsync(int delta, long optionId = 0)
    {
        await _commit.WhenReadyAsync();
        var adjusted = Existing().AdjustStock(optionId, delta);
        if (delta != 0)
        {
            await _commit.CommitAsync(adjusted);
        }

        return ToSnapshot(adjusted);
    }

    public async Task<ReservedLine> ReserveAsync(long orderId, int quantity, long optionId = 0)
    {
        await _commit.WhenReadyAsync();
        // Behind a waiting room a new hold needs the order's user's admitted Queue-Token; a repeat of a held order
        // passes (it takes nothing more).
        var passedQueue = !Existing().HoldsFor(orderId) && await _queueGate.PassAsync(userId: null);
        await _commit.WhenReadyAsync();
        var product = Existing();
        if (!product.HoldsFor(orderId))
        {
            _queueGate.EnsurePassed(passedQueue);
        }

        var change = product.Reserve(orderId, optionId, quantity, Now);
        var option = change.State.Option(product.Option(optionId).OptionId);
        _claims.Take(orderId, option.OptionId);
        var line = new ReservedLine(ProductId, product.Name, option.Price, option.Reservations[orderId], option.OptionId,
            option.Name);
        await ApplyAsync(change);
        return line;
    }

    public async Task ReleaseAsync(long orderId)
    {
        _claims.Drop(orderId);
        await _commit.WhenReadyAsync();
        if (Current.Exists)
        {
            await ApplyAsync(Current.Release(orderId, Now));
        }
    }

    public async Task ConfirmAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        await ApplyAsync(Existing().Confirm(orderId, Now));
    }

    public async Task SetQueueGateAsync(bool on)
    {
        await _commit.WhenReadyAsync();
        if (on || _commit.State.Exists)
        {
            _ = Existing();
            await _queueGate.SetAsync(on);
        }
    }

    private Task ApplyAsync(ProductChange change) =>
        change.Record is null ? _commit.WhenDurableAsync() : _commit.CommitAsync(change.State);

    /// <summary>The state as options see it: one stored before options existed (also after a reload) is read as its one
    /// option, and is written so with its next change.</summary>
    private ProductState Current => _commit.State.Upgraded(ProductId);

    private ProductState Existing() =>
        Current is { Exists: true } product
            ? product
            : throw DomainErrors.NotFound(DomainErrors.ProductNotFound, "Product", ProductId);

    /// <param name="claimant">The order asking, whose own claim is not counted against it.</param>
    private ProductSnapshot ToSnapshot(ProductState product, long claimant = 0)
    {
        var now = Now;
        return new(ProductId, product.Name, product.Price, product.Stock, product.CreatedAt,
            product.Options.Select(o => new ProductOptionSnapshot(o.OptionId, o.Name, o.Price, o.Stock,
                Math.Min(o.Stock, _claims.ClaimedOf(o.OptionId, now, except: claimant)))).ToList(),
            _queueGate.IsOn);
    }

    // The search index: after every call, the catalog hears of this product when what it lists changed (creation, an
    // option going out of stock or coming back), off the caller's path; see CatalogListing.
    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            _listing.Check(_commit.State);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _listing.Stop();
        return Task.CompletedTask;
    }

    private CatalogItem? Listing() => Current is { Exists: true } product ? CatalogItem.From(ToSnapshot(product)) : null;
}
