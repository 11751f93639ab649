using System.Diagnostics;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Runtime;

/// <summary>The single in-memory instance of one grain. Turns run one at a time, in arrival order, on the thread pool.</summary>
internal sealed class Activation : IGrainContext
{
    private enum Status
    {
        Created,
        Active,
        Deactivating,
        Invalid,
    }

    private readonly object _lock = new();
    private readonly Queue<Message> _queue = new();
    private readonly Queue<Func<Task>> _control = new();
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IStateHolder> _states = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly SiloRuntime _runtime;
    private readonly GrainClassInfo _info;
    private readonly ILogger _logger;
    private Status _status = Status.Created;
    private bool _running;
    private bool _deactivateRequested;
    private DeactivationReason _deactivationReason = DeactivationReason.ApplicationRequested;
    private bool _reloadBeforeNextTurn;
    private long _idleSince;
    private Grain? _grain;

    // Group commit: the one write in flight, the replies it releases, and the replies waiting for the next write.
    private bool _writeInFlight;
    private List<HeldReply> _inFlightBatch = [];
    private List<HeldReply> _nextBatch = [];

    public Activation(SiloRuntime runtime, GrainClassInfo info, GrainId grainId)
    {
        _runtime = runtime;
        _info = info;
        _logger = runtime.Logger;
        GrainId = grainId;
        _idleSince = runtime.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public string TypeName => _info.TypeName;

    public bool GroupCommit => _info.GroupCommit && !_runtime.GroupCommitDisabled;

    public IGrainFactory GrainFactory => _runtime;

    public TimeProvider TimeProvider => _runtime.TimeProvider;

    /// <summary>Completes once the activation is gone; a call refused by it is sent again after this.</summary>
    public Task Deactivated => _deactivated.Task;

    public bool Enqueue(Message message)
    {
        lock (_lock)
        {
            if (_status is Status.Deactivating or Status.Invalid)
            {
                return false;
            }

            _queue.Enqueue(message);
            StartLoopIfIdle();
        }

        return true;
    }

    public void DeactivateOnIdle()
    {
        lock (_lock)
        {
            _deactivateRequested = true;
            StartLoopIfIdle();
        }
    }

    /// <summary>Collection and shutdown: deactivate once nothing is queued or being written.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            _deactivationReason = reason;
            _deactivateRequested = true;
            if (_status is Status.Created && _queue.Count == 0 && !_running)
            {
                _status = Status.Invalid;
                _runtime.Forget(this);
                _deactivated.TrySetResult();
                return;
            }

            StartLoopIfIdle();
        }
    }

    public bool IsIdleSince(long timestamp)
    {
        lock (_lock)
        {
            return !_running && _status == Status.Active && _queue.Count == 0 && !_writeInFlight && _idleSince <= timestamp;
        }
    }

    public void ReloadBeforeNextTurn() => _reloadBeforeNextTurn = true;

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period);
        _timers.Add(timer);
        return timer;
    }

    public Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        if (!_info.IsRemindable)
        {
            throw new InvalidOperationException($"{_info.ClassType.Name} must implement IRemindable to register reminders.");
        }

        return _runtime.Reminders.RegisterAsync(GrainId, reminderName, dueTime, period);
    }

    public Task UnregisterReminderAsync(string reminderName) => _runtime.Reminders.UnregisterAsync(GrainId, reminderName);

    internal void RemoveTimer(GrainTimer timer) => _timers.Remove(timer);

    internal object CreateState(Type stateType, string stateName)
    {
        var holder = (IStateHolder)Activator.CreateInstance(
            typeof(PersistentState<>).MakeGenericType(stateType), this, stateName, _runtime.Storage)!;
        _states.Add(holder);
        return holder;
    }

    private void StartLoopIfIdle()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        // No caller's execution context (and call chain) may leak into the loop.
        ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.RunAsync(), this, preferLocal: false);
    }

    private void EnqueueControl(Func<Task> work)
    {
        lock (_lock)
        {
            _control.Enqueue(work);
            StartLoopIfIdle();
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            Func<Task>? control = null;
            Message? message = null;
            var deactivate = false;
            lock (_lock)
            {
                if (_control.Count > 0)
                {
                    control = _control.Dequeue();
                }
                else if (_queue.Count > 0)
                {
                    message = _queue.Dequeue();
                }
                else if (_deactivateRequested && !_writeInFlight && !AnyDirty() && _status == Status.Active)
                {
                    _status = Status.Deactivating;
                    deactivate = true;
                }
                else
                {
                    _running = false;
                    return;
                }
            }

            if (deactivate)
            {
                await DeactivateAsync(_deactivationReason);
                return;
            }

            if (control is not null)
            {
                await control();
                continue;
            }

            if (_status == Status.Created && !await ActivateAsync(message!))
            {
                return;
            }

            await ProcessAsync(message!);
        }
    }

    private async Task<bool> ActivateAsync(Message first)
    {
        try
        {
            CallChain.Current = new CallChain(GrainId, first.Chain);
            _grain = _info.Create(_runtime.Services, CreateState);
            _grain.Attach(this);
            foreach (var state in _states)
            {
                await state.ReadStateAsync();
            }

            await _grain.OnActivateAsync(CancellationToken.None);
            lock (_lock)
            {
                _status = Status.Active;
            }

            _runtime.Metrics.ActivationCreated(TypeName);
            return true;
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Activation of {GrainType} {GrainKey} failed", TypeName, GrainId.Key);
            Message[] queued;
            lock (_lock)
            {
                _status = Status.Invalid;
                _running = false;
                queued = [.. _queue];
                _queue.Clear();
            }

            _runtime.Forget(this);
            _deactivated.TrySetResult();
            Complete(first, null, exception);
            foreach (var message in queued)
            {
                Complete(message, null, exception);
            }

            return false;
        }
        finally
        {
            CallChain.Current = null;
        }
    }

    private async Task ProcessAsync(Message message)
    {
        CallChain.Current = new CallChain(GrainId, message.Chain);
        var (result, error) = await RunTurnAsync(message);
        if (error is InconsistentStateException && !GroupCommit && !message.Retried)
        {
            // Another writer moved the state on: reload it and run the call once more against fresh state.
            _runtime.Metrics.VersionConflictRetried(TypeName);
            _logger.LogDebug(error, "Version conflict on {GrainType} {GrainKey}.{Method}; re-running once", TypeName, GrainId.Key, message.MethodName);
            message.Retried = true;
            _reloadBeforeNextTurn = true;
            (result, error) = await RunTurnAsync(message);
        }

        CallChain.Current = null;

        if (GroupCommit && (_writeInFlight || AnyDirty()))
        {
            var held = new HeldReply(message, result, error);
            if (AnyDirty())
            {
                _nextBatch.Add(held);
                if (!_writeInFlight)
                {
                    StartWrite();
                }
            }
            else
            {
                // Read what the in-flight write holds: answer once that write commits.
                _inFlightBatch.Add(held);
            }

            return;
        }

        Complete(message, result, error);
    }

    /// <summary>Runs the message's work and observes its outcome without rethrowing it.</summary>
    private async Task<(object? Result, Exception? Error)> RunTurnAsync(Message message)
    {
        Task work;
        try
        {
            if (_reloadBeforeNextTurn)
            {
                await ReloadStatesAsync();
            }

            work = message.Run(_grain!);
        }
        catch (Exception exception)
        {
            return (null, exception);
        }

        await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return work.Status == TaskStatus.RanToCompletion
            ? (message.Result(work), null)
            : (null, work.Exception?.InnerException ?? new TaskCanceledException(work));
    }

    private bool AnyDirty()
    {
        foreach (var state in _states)
        {
            if (state.IsDirty)
            {
                return true;
            }
        }

        return false;
    }

    private void StartWrite()
    {
        var snapshots = new List<StateSnapshot>();
        foreach (var state in _states)
        {
            if (state.IsDirty)
            {
                snapshots.Add(state.TakeSnapshot());
            }
        }

        var batch = _nextBatch;
        _nextBatch = [];
        _inFlightBatch = batch;
        _writeInFlight = true;
        _ = WriteAsync(snapshots, batch);
    }

    private async Task WriteAsync(List<StateSnapshot> snapshots, List<HeldReply> batch)
    {
        var versions = new long[snapshots.Count];
        Exception? failure = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < snapshots.Count; i++)
            {
                versions[i] = await snapshots[i].WriteAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        _runtime.Metrics.GroupCommitWritten(TypeName, batch.Count, Stopwatch.GetElapsedTime(started));
        EnqueueControl(() => WriteCompletedAsync(snapshots, versions, failure));
    }

    private async Task WriteCompletedAsync(List<StateSnapshot> snapshots, long[] versions, Exception? failure)
    {
        var batch = _inFlightBatch;
        _inFlightBatch = [];
        _writeInFlight = false;
        if (failure is null)
        {
            for (var i = 0; i < snapshots.Count; i++)
            {
                snapshots[i].Holder.Committed(versions[i]);
            }

            foreach (var held in batch)
            {
                Complete(held.Message, held.Result, held.Error);
            }

            if (AnyDirty())
            {
                StartWrite();
            }

            return;
        }

        // Every held reply was computed on state that is not stored: fail them all and start again from storage.
        _logger.LogError(failure, "Group-commit write of {GrainType} {GrainKey} failed; failing {Count} held calls",
            TypeName, GrainId.Key, batch.Count + _nextBatch.Count);
        var waiting = _nextBatch;
        _nextBatch = [];
        foreach (var held in batch.Concat(waiting))
        {
            Complete(held.Message, null, failure);
        }

        try
        {
            await ReloadStatesAsync();
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Reloading {GrainType} {GrainKey} after a failed write failed", TypeName, GrainId.Key);
            _reloadBeforeNextTurn = true;
        }
    }

    private async Task ReloadStatesAsync()
    {
        _reloadBeforeNextTurn = true;
        foreach (var state in _states)
        {
            await state.ReadStateAsync();
        }

        _reloadBeforeNextTurn = false;
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        foreach (var timer in _timers.ToArray())
        {
            timer.Dispose();
        }

        try
        {
            CallChain.Current = new CallChain(GrainId, null);
            await _grain!.OnDeactivateAsync(reason, CancellationToken.None);
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "OnDeactivateAsync of {GrainType} {GrainKey} failed", TypeName, GrainId.Key);
        }
        finally
        {
            CallChain.Current = null;
        }

        Message[] leftovers;
        lock (_lock)
        {
            _status = Status.Invalid;
            leftovers = [.. _queue];
            _queue.Clear();
        }

        _runtime.Forget(this);
        _runtime.Metrics.ActivationRemoved(TypeName);
        _deactivated.TrySetResult();
        foreach (var message in leftovers)
        {
            _runtime.Dispatch(message);
        }
    }

    private void Complete(Message message, object? result, Exception? error)
    {
        // Stamped before the caller is answered, so a caller that then waits sees the activation idle since before.
        _idleSince = _runtime.TimeProvider.GetTimestamp();
        _runtime.Metrics.CallCompleted(TypeName, message.MethodName, Stopwatch.GetElapsedTime(message.StartedAt), error is not null);
        if (error is null)
        {
            message.Reply.Succeed(result);
            return;
        }

        if (!message.HasCaller)
        {
            _logger.LogError(error, "{Method} on {GrainType} {GrainKey} failed", message.MethodName, TypeName, GrainId.Key);
        }
        else if (IsRuntimeError(error))
        {
            // A business refusal is the caller's to handle; storage, conflict and call-graph failures are the operator's.
            _logger.LogWarning(error, "{Method} on {GrainType} {GrainKey} failed in the runtime: {Error}", message.MethodName, TypeName,
                GrainId.Key, error.GetType().Name);
        }

        message.Reply.Fail(error);
    }

    private static bool IsRuntimeError(Exception error) =>
        error is InconsistentStateException or GrainCallCycleException or TimeoutException or System.Data.Common.DbException
            or IOException;
}
