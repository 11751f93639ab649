using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Tests.Runtime;

/// <summary>What test grains report to the test: activations, turn overlap, signals. One per host.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<(string, int), TaskCompletionSource> _countWaiters = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _inTurn = new();
    private int _overlaps;

    /// <summary>Times a turn started while another turn of the same grain was inside.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public int Count(string name) => _counts.TryGetValue(name, out var value) ? value : 0;

    public int Increment(string name)
    {
        var value = _counts.AddOrUpdate(name, 1, (_, v) => v + 1);
        if (_countWaiters.TryRemove((name, value), out var waiter))
        {
            waiter.TrySetResult();
        }

        return value;
    }

    /// <summary>Completes once <paramref name="name"/> has been counted <paramref name="count"/> times.</summary>
    public Task WaitForCountAsync(string name, int count)
    {
        var waiter = _countWaiters.GetOrAdd((name, count), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Count(name) >= count)
        {
            waiter.TrySetResult();
        }

        return waiter.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public void Signal(string name) => Signal(name, 1);

    public void Signal(string name, int atCount)
    {
        if (Increment("signal:" + name) >= atCount)
        {
            SignalFor(name).TrySetResult();
        }
    }

    public Task WaitAsync(string name) => SignalFor(name).Task.WaitAsync(TimeSpan.FromSeconds(20));

    public TaskCompletionSource SignalFor(string name) => _signals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Marks a turn's start; counts an overlap when another turn of the same grain is inside.</summary>
    public IDisposable EnterTurn(GrainId grainId)
    {
        var inside = _inTurn.GetOrAdd(grainId.ToString(), _ => new StrongBox<int>());
        if (Interlocked.Increment(ref inside.Value) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        return new Exit(inside);
    }

    private sealed class Exit(StrongBox<int> inside) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref inside.Value);
    }
}

public sealed record CounterState
{
    public long Value { get; init; }
}

public interface ICounterGrain : IGrainWithIntegerKey
{
    Task<long> IncrementAsync();

    Task<long> GetAsync();

    Task<long> GetStoredVersionAsync();

    Task ResetAsync();

    Task<Guid> GetActivationIdAsync();

    Task DeactivateAsync();
}

public sealed class CounterGrain(Probe probe, [PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Increment($"activate:{GrainId}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Increment($"deactivate:{GrainId}:{reason}");
        probe.Signal($"deactivated:{GrainId}");
        return Task.CompletedTask;
    }

    public async Task<long> IncrementAsync()
    {
        probe.Increment($"increment-runs:{GrainId}");
        using (probe.EnterTurn(GrainId))
        {
            var next = counter.State.Value + 1;
            await Task.Yield();
            counter.State = counter.State with { Value = next };
            await counter.WriteStateAsync();
            return next;
        }
    }

    public Task<long> GetAsync() => Task.FromResult(counter.State.Value);

    public Task<long> GetStoredVersionAsync() => Task.FromResult(counter.Version);

    public Task ResetAsync() => counter.ClearStateAsync();

    public Task<Guid> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public interface IBatchedCounterGrain : IGrainWithIntegerKey
{
    Task<long> IncrementAsync();

    Task<long> GetAsync();
}

[GroupCommit]
public sealed class BatchedCounterGrain(Probe probe, [PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, IBatchedCounterGrain
{
    public async Task<long> IncrementAsync()
    {
        using (probe.EnterTurn(GrainId))
        {
            counter.State = counter.State with { Value = counter.State.Value + 1 };
            counter.Append(new CounterIncremented(counter.State.Value));
            await counter.WriteStateAsync();
        }

        probe.Increment($"batched-turns:{GrainId}");
        return counter.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(counter.State.Value);
}

public sealed record CounterIncremented(long Value);

public interface IStringKeyGrain : IGrainWithStringKey
{
    Task<string> GetKeyAsync();
}

public sealed class StringKeyGrain : Grain, IStringKeyGrain
{
    public Task<string> GetKeyAsync() => Task.FromResult(GetPrimaryKeyString());
}

public interface IOrderedGrain : IGrainWithIntegerKey
{
    Task AppendAsync(int sequence);

    Task<IReadOnlyList<int>> GetAsync();
}

public sealed class OrderedGrain(Probe probe) : Grain, IOrderedGrain
{
    private readonly List<int> _seen = [];

    public async Task AppendAsync(int sequence)
    {
        using (probe.EnterTurn(GrainId))
        {
            await Task.Yield();
            _seen.Add(sequence);
        }
    }

    public Task<IReadOnlyList<int>> GetAsync() => Task.FromResult<IReadOnlyList<int>>([.. _seen]);
}

public interface IChainGrain : IGrainWithIntegerKey
{
    /// <summary>Calls each key in turn, each calling the rest of the path, and returns the keys visited.</summary>
    Task<string> CallPathAsync(long[] path);

    Task<int> PingAsync();
}

public sealed class ChainGrain : Grain, IChainGrain
{
    private int _pings;

    public async Task<string> CallPathAsync(long[] path)
    {
        var self = GetPrimaryKeyLong().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (path.Length == 0)
        {
            return self;
        }

        var rest = await GrainFactory.GetGrain<IChainGrain>(path[0]).CallPathAsync(path[1..]);
        return $"{self}>{rest}";
    }

    public Task<int> PingAsync() => Task.FromResult(++_pings);
}

public sealed class GrainRuleBrokenException(string rule, int attempt) : Exception($"Rule '{rule}' broken on attempt {attempt}")
{
    public string Rule { get; } = rule;

    public int Attempt { get; } = attempt;
}

public interface IFaultyGrain : IGrainWithIntegerKey
{
    Task<int> FailAsync(string rule);

    ValueTask<int> FailSynchronouslyAsync(string rule);

    Task<Guid> GetActivationIdAsync();

    Task WaitForeverAsync();
}

public sealed class FaultyGrain(Probe probe) : Grain, IFaultyGrain
{
    private readonly Guid _activationId = Guid.NewGuid();
    private int _attempts;

    public async Task<int> FailAsync(string rule)
    {
        await Task.Yield();
        throw new GrainRuleBrokenException(rule, ++_attempts);
    }

    public ValueTask<int> FailSynchronouslyAsync(string rule) => throw new GrainRuleBrokenException(rule, ++_attempts);

    public Task<Guid> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task WaitForeverAsync() => probe.SignalFor($"release:{GrainId}").Task;
}

public interface IAlarmGrain : IGrainWithIntegerKey
{
    Task SetAsync(TimeSpan dueTime);

    Task StartTickingAsync(TimeSpan period);

    Task<int> TouchAsync();
}

public sealed class AlarmGrain(Probe probe) : Grain, IAlarmGrain, IRemindable
{
    private IDisposable? _timer;

    public Task SetAsync(TimeSpan dueTime) => RegisterOrUpdateReminderAsync("alarm", dueTime, TimeSpan.FromMinutes(1));

    public Task StartTickingAsync(TimeSpan period)
    {
        _timer ??= RegisterGrainTimer(async _ =>
        {
            using (probe.EnterTurn(GrainId))
            {
                await Task.Yield();
                probe.Signal($"ticks:{GrainId}", 3);
            }
        }, period, period);
        return Task.CompletedTask;
    }

    public async Task<int> TouchAsync()
    {
        using (probe.EnterTurn(GrainId))
        {
            await Task.Yield();
            return probe.Increment($"touch:{GrainId}");
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, TickStatus status)
    {
        await UnregisterReminderAsync(reminderName);
        probe.Signal($"reminder:{GrainId}:{reminderName}");
    }
}

/// <summary>Writes <see cref="CounterIncremented"/> rows inside the state write's transaction.</summary>
public sealed class CounterIncrementedWriter : ECommerce.Silo.Storage.IRecordWriter<CounterIncremented>
{
    public async Task WriteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, GrainId grainId,
        CounterIncremented record, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS counter_increments (grain_key text NOT NULL, value bigint NOT NULL);
            INSERT INTO counter_increments (grain_key, value) VALUES (@grain_key, @value);
            """;
        var key = command.CreateParameter();
        key.ParameterName = "@grain_key";
        key.Value = grainId.Key;
        var value = command.CreateParameter();
        value.ParameterName = "@value";
        value.Value = record.Value;
        command.Parameters.Add(key);
        command.Parameters.Add(value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
