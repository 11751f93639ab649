using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.Runtime;

/// <summary>Work the silo does once before it takes calls (migrations, seeding), in registration order.</summary>
public interface ISiloStartupTask
{
    Task ExecuteAsync(CancellationToken cancellationToken);
}

/// <summary>Starts the silo (start-up tasks, idle collection, reminder polling) and deactivates every grain on shutdown.</summary>
internal sealed class SiloHostedService(
    SiloRuntime runtime,
    ReminderService reminders,
    IEnumerable<ISiloStartupTask> startupTasks,
    IOptions<SiloOptions> options,
    TimeProvider timeProvider,
    ILogger<SiloHostedService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in startupTasks)
        {
            await task.ExecuteAsync(cancellationToken);
        }

        _background = Task.WhenAll(
            RunPeriodicallyAsync(options.Value.CollectionInterval, () => { runtime.CollectIdle(); return Task.CompletedTask; }, "collection"),
            RunPeriodicallyAsync(options.Value.ReminderPollInterval, () => reminders.PollOnceAsync(runtime, _stopping.Token), "reminders"));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _background.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DeactivationTimeout);
        try
        {
            await runtime.DeactivateAllAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown went on with {Count} activations still deactivating", runtime.ActivationCount);
        }
    }

    private async Task RunPeriodicallyAsync(TimeSpan period, Func<Task> work, string name)
    {
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await work();
                }
                catch (Exception exception) when (!_stopping.IsCancellationRequested)
                {
                    logger.LogError(exception, "Silo {Loop} pass failed", name);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
