using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Runtime;

/// <summary>The activation directory of this node: routes each call to the one activation of its grain, creating it on first use.</summary>
public sealed class SiloRuntime : IGrainFactory
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly SiloOptions _options;

    internal SiloRuntime(GrainTypeRegistry registry, IServiceProvider services, IGrainStorage storage, ReminderService reminders,
        SiloMetrics metrics, TimeProvider timeProvider, IOptions<SiloOptions> options, ILogger<SiloRuntime> logger)
    {
        _registry = registry;
        _options = options.Value;
        Services = services;
        Storage = storage;
        Reminders = reminders;
        Metrics = metrics;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    public int ActivationCount => _activations.Count;

    internal IServiceProvider Services { get; }

    internal IGrainStorage Storage { get; }

    internal ReminderService Reminders { get; }

    internal SiloMetrics Metrics { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal bool GroupCommitDisabled => _options.GroupCommit.Disabled;

    public TGrain GetGrain<TGrain>(long primaryKey) where TGrain : IGrainWithIntegerKey =>
        GrainReference.Create<TGrain>(this, GrainIdFor(typeof(TGrain), primaryKey.ToString(CultureInfo.InvariantCulture)));

    public TGrain GetGrain<TGrain>(string primaryKey) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        return GrainReference.Create<TGrain>(this, GrainIdFor(typeof(TGrain), primaryKey));
    }

    /// <summary>Deactivates every activation idle since before <paramref name="idleSince"/>.</summary>
    public int CollectIdle(long idleSince)
    {
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.IsIdleSince(idleSince))
            {
                activation.RequestDeactivation(DeactivationReason.IdleTimeout);
                collected++;
            }
        }

        return collected;
    }

    /// <summary>Collects activations idle for longer than the configured collection age.</summary>
    public int CollectIdle() =>
        CollectIdle(TimeProvider.GetTimestamp() - (long)(_options.CollectionAge.TotalSeconds * TimeProvider.TimestampFrequency));

    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        var all = _activations.Values.ToArray();
        foreach (var activation in all)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
        }

        await Task.WhenAll(all.Select(a => a.Deactivated)).WaitAsync(cancellationToken);
    }

    internal object Invoke(GrainId grainId, MethodInfo method, object?[] arguments)
    {
        var invoker = _registry.Invoker(method);
        var message = Message.ForCall(grainId, invoker, arguments, CallChain.Current);
        Send(message);
        return invoker.ToReturnType(message.Reply);
    }

    /// <summary>Runs work as a turn of the grain with no caller waiting up a chain (reminders).</summary>
    internal Task RunAsTurnAsync(GrainId grainId, string name, Func<Grain, Task> work)
    {
        var message = Message.ForWork(grainId, name, work, chain: null);
        Send(message);
        return message.Reply.Task;
    }

    internal void Dispatch(Message message)
    {
        var activation = _activations.GetOrAdd(message.Target, CreateActivation);
        if (!activation.Enqueue(message))
        {
            _ = DispatchAfterDeactivationAsync(activation, message);
        }
    }

    internal void Forget(Activation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation));

    private async Task DispatchAfterDeactivationAsync(Activation closing, Message message)
    {
        await closing.Deactivated.ConfigureAwait(false);
        Forget(closing);
        Dispatch(message);
    }

    private void Send(Message message)
    {
        if (message.Chain is { } chain && chain.Contains(message.Target))
        {
            message.Reply.Fail(new GrainCallCycleException(
                $"Call {message.Target}.{message.MethodName} would re-enter a grain waiting up the call chain ({chain} -> {message.Target}); grains are not reentrant."));
            return;
        }

        message.Reply.StartTimeout(TimeProvider, _options.CallTimeout, $"{message.Target}.{message.MethodName}");
        Dispatch(message);
    }

    private Activation CreateActivation(GrainId grainId) => new(this, _registry.ForTypeName(grainId.Type), grainId);

    private GrainId GrainIdFor(Type grainInterface, string key) => new(_registry.ForInterface(grainInterface).TypeName, key);
}
