using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Silo.Statistics;

public static class StatisticsServiceCollectionExtensions
{
    /// <summary>Keeps the silo's statistics and samples them every second; call after <c>AddSilo</c>. An outbox registers
    /// its own <see cref="IOutboxStatistics"/> (before or after this) to replace the "not available" one.</summary>
    public static IServiceCollection AddSiloStatistics(this IServiceCollection services)
    {
        services.TryAddSingleton<SiloStatistics>();
        services.TryAddSingleton<IOutboxStatistics, NoOutboxStatistics>();
        services.AddHostedService<SiloStatisticsSampler>();
        return services;
    }
}
