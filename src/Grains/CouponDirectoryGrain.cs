using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>Reentrant with group commit: many coupons activating at once share the directory's writes.</summary>
[Reentrant]
public sealed class CouponDirectoryGrain(
    [PersistentState("couponDirectory", GrainStorage.Name)] IPersistentState<CouponDirectoryState> state,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider) : Grain, ICouponDirectoryGrain
{
    private GroupCommit<CouponDirectoryState> _commit = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<CouponDirectoryState>(state, GrainContext, groupCommit.Value);
        return Task.CompletedTask;
    }

    public async Task ListAsync(CouponListing listing)
    {
        await _commit.WhenReadyAsync();
        var directory = _commit.State;
        var merged = directory.Merged(listing);
        await (directory.Holds(merged) ? _commit.WhenDurableAsync() : _commit.CommitAsync(directory.List(merged)));
    }

    public async Task<CouponDirectoryPage> SearchAsync(CouponDirectoryQuery query)
    {
        await _commit.WhenReadyAsync();
        return _commit.State.Search(query, timeProvider.GetUtcNow());
    }
}
