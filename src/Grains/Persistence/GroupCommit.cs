using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Runtime;

namespace ECommerce.Grains.Persistence;

/// <summary>Group commit for one state of a <c>[Reentrant]</c> grain. A method decides and changes the state with no
/// await in between (so two calls never decide on the same memory), then awaits <see cref="CommitAsync"/>: while one
/// write is in flight, the changes of calls arriving meanwhile pile up in memory and the next single write covers them
/// all. No caller is answered before the write holding its change has committed. A failed write fails every call it
/// covered and every call that changed state on top of it, and reloads the state from storage before anyone decides
/// again.</summary>
public sealed class GroupCommit<TState>
{
    private static Histogram<int> BatchSize => GroupCommitMeter.BatchSize;

    private static Histogram<double> WriteDuration => GroupCommitMeter.WriteDuration;

    private static Counter<long> WriteFailures => GroupCommitMeter.WriteFailures;

    private readonly IPersistentState<TState> _state;
    private readonly IGrainContext _grain;
    private readonly bool _disabled;
    private readonly KeyValuePair<string, object?> _grainTypeTag;

    // Used only while disabled: one write per call, one at a time.
    private readonly SemaphoreSlim _alone = new(1, 1);
    private Task? _lastAlone;

    // Calls whose changes are in memory but not yet in a running write, and the calls of the running write.
    private TaskCompletionSource? _pending;
    private TaskCompletionSource? _running;
    private int _pendingCalls;
    private bool _writing;
    private Task? _reload;
    private bool _broken;

    public GroupCommit(IPersistentState<TState> state, IGrainContext grain, GroupCommitOptions options)
    {
        _state = state;
        _grain = grain;
        _disabled = options.Disabled;
        _grainTypeTag = new("grain.type", grain.GrainId.Type.ToString());
    }

    public TState State => _state.State;

    /// <summary>Completes at once unless a failed write is being undone; await it before deciding.</summary>
    public Task WhenReadyAsync() => _reload ?? Task.CompletedTask;

    /// <summary>Completes once every change made so far is stored (failing if its write fails). A call that finds its
    /// step already done (a retry) answers after this, so it never reports a change that is still only in memory.</summary>
    public Task WhenDurableAsync() =>
        _pending?.Task ?? _running?.Task ?? _lastAlone ?? Task.CompletedTask;

    /// <summary>Sets <paramref name="next"/> as the state now and completes once a write holding it has committed.</summary>
    public Task CommitAsync(TState next)
    {
        if (_broken)
        {
            return Task.FromException(new InvalidOperationException(
                "The state could not be reloaded after a failed write; this activation takes no more changes."));
        }

        if (_reload is not null)
        {
            return Task.FromException(new InvalidOperationException(
                "The state is being reloaded after a failed write; nothing was changed."));
        }

        _state.State = next;
        if (_disabled)
        {
            return _lastAlone = WriteAloneAsync();
        }

        _pending ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingCalls++;
        var committed = _pending.Task;
        if (!_writing)
        {
            _writing = true;
            _ = WriteAllAsync();
        }

        return committed;
    }

    private async Task WriteAllAsync()
    {
        try
        {
            while (_pending is { } batch)
            {
                var calls = _pendingCalls;
                _running = batch;
                _pending = null;
                _pendingCalls = 0;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await _state.WriteStateAsync();
                }
                catch (Exception writeError)
                {
                    WriteFailures.Add(1, _grainTypeTag);
                    await FailAndReloadAsync(batch, writeError);
                    _running = null;
                    continue;
                }

                WriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _grainTypeTag);
                BatchSize.Record(calls, _grainTypeTag);
                _running = null;
                batch.SetResult();
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>For comparison: every call waits for the writes before it, then writes on its own.</summary>
    private async Task WriteAloneAsync()
    {
        await _alone.WaitAsync();
        try
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _state.WriteStateAsync();
            }
            catch (Exception)
            {
                WriteFailures.Add(1, _grainTypeTag);
                await StateWrites.ReloadAsync(_state, _grain);
                throw;
            }

            WriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _grainTypeTag);
            BatchSize.Record(1, _grainTypeTag);
        }
        finally
        {
            _alone.Release();
        }
    }

    private async Task FailAndReloadAsync(TaskCompletionSource batch, Exception writeError)
    {
        // Changes made while the write ran were decided on memory that is about to be thrown away: they fail too.
        var onTop = _pending;
        _pending = null;
        _pendingCalls = 0;
        var reload = StateWrites.ReloadAsync(_state, _grain);
        _reload = reload;
        try
        {
            await reload;
        }
        catch (Exception)
        {
            _broken = true;
        }
        finally
        {
            _reload = null;
        }

        batch.SetException(writeError);
        onTop?.SetException(writeError);
    }
}

/// <summary>Section <see cref="Section"/>.</summary>
public sealed class GroupCommitOptions
{
    public const string Section = "Silo:GroupCommit";

    /// <summary>Writes once per call instead, one at a time: only for measuring what group commit saves.</summary>
    public bool Disabled { get; set; }
}

/// <summary>The group-commit instruments, tagged <c>grain.type</c>; exported over OTLP and read by the admin page.</summary>
public static class GroupCommitMeter
{
    public const string Name = "ECommerce.Grains";

    private static readonly Meter Meter = new(Name);

    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "ecommerce.group_commit.batch_size", "{call}", "Calls covered by one group-commit write.");

    internal static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>(
        "ecommerce.group_commit.write.duration", "ms", "Duration of one group-commit write.");

    internal static readonly Counter<long> WriteFailures = Meter.CreateCounter<long>(
        "ecommerce.group_commit.write.failures", "{write}", "Group-commit writes that failed.");
}
