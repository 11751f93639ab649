using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A product's side of the search index: after each call to the product, <see cref="Check"/> compares what the
/// catalog would list of it with what this activation last told the catalog, and only when they differ (creation,
/// an option going out of stock or coming back, the first call after activation) tells the catalog, off the caller's
/// path. One report at a time, always of the newest state once it is stored, retried with a growing pause until the
/// catalog takes it or the activation ends; the next activation reports again, which covers a report lost in a crash.</summary>
internal sealed class CatalogListing(IGrainFactory grains, Func<CatalogItem?> listing, Func<Task> whenStored,
    TimeProvider timeProvider)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopped = new();
    private CatalogItem? _told;
    private object? _checked;
    private bool _telling;

    /// <summary>Free when the product's state is the instance already checked (most calls of a burst are reads or
    /// share a write); else one comparison, and a call only when something listed changed. Runs on the grain's
    /// scheduler.</summary>
    /// <param name="state">The product's current state instance (states are immutable, so the same instance lists the
    /// same).</param>
    public void Check(object state)
    {
        if (_telling || _stopped.IsCancellationRequested || ReferenceEquals(state, _checked))
        {
            return;
        }

        _checked = state;
        if (NeedsTelling(listing()))
        {
            _telling = true;
            _ = TellAsync();
        }
    }

    public void Stop() => _stopped.Cancel();

    private bool NeedsTelling(CatalogItem? item) => item is not null && (_told is null || !_told.ListsLike(item));

    private async Task TellAsync()
    {
        var pause = FirstPause;
        try
        {
            while (!_stopped.IsCancellationRequested && listing() is { } item && NeedsTelling(item))
            {
                try
                {
                    // The catalog never shows a change that a failed write may still undo.
                    await whenStored();
                    await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).UpdateAsync(item);
                    _told = item;
                    pause = FirstPause;
                }
                catch (Exception) when (!_stopped.IsCancellationRequested)
                {
                    await Task.Delay(pause, timeProvider, _stopped.Token);
                    pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                }
            }
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
            // The activation ended; the next one reports again.
        }
        finally
        {
            _telling = false;
        }
    }
}
