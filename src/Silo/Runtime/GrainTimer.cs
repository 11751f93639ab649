namespace ECommerce.Silo.Runtime;

/// <summary>An in-memory timer whose ticks run as turns; a tick is skipped while the previous one is still queued or running.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly Activation _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private int _tickPending;

    public GrainTimer(Activation activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _timer = activation.TimeProvider.CreateTimer(static s => ((GrainTimer)s!).Tick(), this, dueTime, period);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private void Tick()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }

        var message = Message.ForWork(_activation.GrainId, "timer", async _ =>
        {
            try
            {
                if (!_disposed.IsCancellationRequested)
                {
                    await _callback(_disposed.Token);
                }
            }
            finally
            {
                Volatile.Write(ref _tickPending, 0);
            }
        }, chain: null);
        if (!_activation.Enqueue(message))
        {
            _timer.Dispose();
        }
    }
}
