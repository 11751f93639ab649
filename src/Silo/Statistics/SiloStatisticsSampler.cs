using Microsoft.Extensions.Hosting;

namespace ECommerce.Silo.Statistics;

/// <summary>Samples <see cref="SiloStatistics"/> every second on the injected clock.</summary>
internal sealed class SiloStatisticsSampler(SiloStatistics statistics, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                statistics.Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
