using System.Globalization;

namespace ECommerce.Bench.Load;

/// <summary>Redraws one stderr line while the load runs; when stderr is not a terminal, prints only the final line.</summary>
internal sealed class ProgressBar : IAsyncDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly LoadRecorder _recorder;
    private readonly long _total;
    private readonly string _label;
    private readonly bool _redraw;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProgressBar(TextWriter writer, LoadRecorder recorder, long total, string label, bool redraw)
    {
        _writer = writer;
        _recorder = recorder;
        _total = Math.Max(1, total);
        _label = label;
        _redraw = redraw;
        _loop = redraw ? RunAsync() : Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                _writer.Write("\r" + Line());
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }

    private string Line()
    {
        var done = _recorder.Completed;
        var fraction = Math.Min(1.0, (double)done / _total);
        var filled = (int)(fraction * Width);
        var seconds = _recorder.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? done / seconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}% {done}/{_total} req {rate,8:0} req/s {seconds,6:0.0}s");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _writer.WriteLine((_redraw ? "\r" : "") + Line());
        _stop.Dispose();
    }
}
