using System.Collections.Immutable;
using ECommerce.Grains.Persistence;
using Orleans.Concurrency;

namespace ECommerce.Grains.Tests.GroupCommit;

public interface IGroupCommitProbeGrain : IGrainWithStringKey
{
    /// <summary>Appends the item unless it is there already; answers once a write holding it committed.</summary>
    Task AddAsync(int item);

    /// <summary>What the activation holds in memory, committed or not.</summary>
    Task<int[]> GetAsync();
}

[GenerateSerializer, Immutable]
public sealed record ProbeState
{
    [Id(0)]
    public ImmutableList<int> Items { get; init; } = [];
}

/// <summary>The smallest grain that uses group commit the way the product's reentrant grains do.</summary>
[Reentrant]
public sealed class GroupCommitProbeGrain(
    [PersistentState("probe", ControlledStorage.Name)] IPersistentState<ProbeState> state) : Grain, IGroupCommitProbeGrain
{
    private GroupCommit<ProbeState> _commit = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<ProbeState>(state, GrainContext, new GroupCommitOptions());
        return Task.CompletedTask;
    }

    public async Task AddAsync(int item)
    {
        await _commit.WhenReadyAsync();
        await (_commit.State.Items.Contains(item)
            ? _commit.WhenDurableAsync()
            : _commit.CommitAsync(_commit.State with { Items = _commit.State.Items.Add(item) }));
    }

    public Task<int[]> GetAsync() => Task.FromResult(_commit.State.Items.ToArray());
}
