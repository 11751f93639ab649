namespace ECommerce.Grains.Abstractions.Runtime;

/// <summary>A grain's durable state. Every stored state carries a version; a write from a stale version
/// throws <see cref="InconsistentStateException"/>, after which the runtime reloads and re-runs the call once.</summary>
public interface IPersistentState<TState> where TState : class
{
    TState State { get; set; }

    /// <summary>0 while nothing is stored; each committed write adds one.</summary>
    long Version { get; }

    bool RecordExists { get; }

    /// <summary>Stages a row (history, outbox, child row) to be written in the same transaction as the next write.</summary>
    void Append(object record);

    Task ReadStateAsync();

    Task WriteStateAsync();

    Task ClearStateAsync();
}

/// <summary>Constructor-parameter attribute: inject an <see cref="IPersistentState{TState}"/> named <paramref name="stateName"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    public string StateName { get; } = stateName;
}

/// <summary>Opt-in for a grain class: while one write is in flight later turns run on in-memory state and their
/// replies are held; the next write persists them all. No caller is answered before its effect is committed.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GroupCommitAttribute : Attribute;

/// <summary>Names a grain class's type in grain ids, storage and metrics (default: the class name without "Grain").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Thrown by a write whose expected version is no longer the stored one.</summary>
public sealed class InconsistentStateException(string message) : Exception(message);

/// <summary>Thrown instead of waiting forever when a call would re-enter a grain already waiting in the call chain.</summary>
public sealed class GrainCallCycleException(string message) : InvalidOperationException(message);
