namespace ECommerce.Silo.Runtime;

/// <summary>Where a turn's outcome goes: the caller's task, completed without rethrowing, or failed by its timeout.</summary>
internal interface IReply
{
    Task Task { get; }

    void Succeed(object? result);

    void Fail(Exception error);

    void StartTimeout(TimeProvider timeProvider, TimeSpan timeout, string description);
}

internal sealed class Reply<T> : TaskCompletionSource<T>, IReply
{
    private ITimer? _timeout;
    private string? _description;
    private TimeSpan _timeoutAfter;

    public Reply() : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    Task IReply.Task => Task;

    public void Succeed(object? result)
    {
        _timeout?.Dispose();
        TrySetResult((T)result!);
    }

    public void Fail(Exception error)
    {
        _timeout?.Dispose();
        TrySetException(error);
    }

    public void StartTimeout(TimeProvider timeProvider, TimeSpan timeout, string description)
    {
        _description = description;
        _timeoutAfter = timeout;
        _timeout = timeProvider.CreateTimer(static state => ((Reply<T>)state!).TimedOut(), this, timeout, Timeout.InfiniteTimeSpan);
        if (Task.IsCompleted)
        {
            _timeout.Dispose();
        }
    }

    private void TimedOut() =>
        TrySetException(new TimeoutException($"Call {_description} got no reply within {_timeoutAfter}."));
}
