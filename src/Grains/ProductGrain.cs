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

    public async Task<ProductSnapshot> CreateAsync(string name, long price, int stock)
    {
        await _commit.WhenReadyAsync();
        var created = ProductState.Create(name, price, stock, Now);
        var product = _commit.State;
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

    public async Task<ProductSnapshot> AdjustStockAsync(int delta)
    {
        await _commit.WhenReadyAsync();
        var adjusted = Existing().AdjustStock(delta);
        if (delta != 0)
        {
            await _commit.CommitAsync(adjusted);
        }

        return ToSnapshot(adjusted);
    }

    public async Task<ReservedLine> ReserveAsync(long orderId, int quantity)
    {
        await _commit.WhenReadyAsync();
        // Behind a waiting room a new hold needs the order's user's admitted Queue-Token; a repeat of a held order
        // passes (it takes nothing more).
        var passedQueue = !Existing().Reservations.ContainsKey(orderId) && await _queueGate.PassAsync(userId: null);
        await _commit.WhenReadyAsync();
        if (!_commit.State.Reservations.ContainsKey(orderId))
        {
            _queueGate.EnsurePassed(passedQueue);
        }

        var change = Existing().Reserve(orderId, quantity, Now);
        var product = change.State;
        var line = new ReservedLine(ProductId, product.Name, product.Price, product.Reservations[orderId]);
        await ApplyAsync(change);
        return line;
    }

    public async Task ReleaseAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        if (_commit.State.Exists)
        {
            await ApplyAsync(_commit.State.Release(orderId, Now));
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

    private ProductState Existing() =>
        _commit.State.Exists
            ? _commit.State
            : throw DomainErrors.NotFound(DomainErrors.ProductNotFound, "Product", ProductId);

    private ProductSnapshot ToSnapshot(ProductState product) =>
        new(ProductId, product.Name, product.Price, product.Stock, product.CreatedAt);

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
            _listing.Check();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _listing.Stop();
        return Task.CompletedTask;
    }

    private CatalogItem? Listing() => _commit.State.Exists ? CatalogItem.From(ToSnapshot(_commit.State)) : null;
}
