using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

public sealed record StoredState<TState>(TState State, long Version) where TState : class;

/// <summary>Where grain state lives. One write is one transaction: the state row(s) plus every staged record.</summary>
public interface IGrainStorage
{
    /// <returns>The stored state and its version, or null when nothing is stored.</returns>
    Task<StoredState<TState>?> ReadAsync<TState>(GrainId grainId, string stateName, CancellationToken cancellationToken)
        where TState : class;

    /// <returns>The new version (expectedVersion + 1).</returns>
    /// <exception cref="InconsistentStateException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> WriteAsync<TState>(GrainId grainId, string stateName, TState state, long expectedVersion,
        IReadOnlyList<object> records, CancellationToken cancellationToken) where TState : class;

    /// <exception cref="InconsistentStateException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task ClearAsync<TState>(GrainId grainId, string stateName, long expectedVersion, CancellationToken cancellationToken)
        where TState : class;
}
