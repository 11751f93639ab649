namespace ECommerce.Bench.Load;

internal static class LoadRunner
{
    /// <summary>Runs <paramref name="work"/> for items 0..count-1 with at most <paramref name="concurrency"/> at once;
    /// every worker is released at the same moment, so the first wave arrives all at once.</summary>
    public static async Task ForEachAsync(int count, int concurrency, Func<int, Task> work, CancellationToken cancellationToken = default)
    {
        var next = -1;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkerAsync()
        {
            await go.Task.ConfigureAwait(false);
            int item;
            while ((item = Interlocked.Increment(ref next)) < count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await work(item).ConfigureAwait(false);
            }
        }

        var workers = Enumerable.Range(0, Math.Min(count, concurrency)).Select(_ => Task.Run(WorkerAsync, cancellationToken)).ToList();
        go.SetResult();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }
}
