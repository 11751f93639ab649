using ECommerce.Grains;
using ECommerce.Silo;
using ECommerce.Silo.Storage.Commerce;

namespace ECommerce.Api.Hosting;

public static class CommerceSiloExtensions
{
    /// <summary>Hosts the commerce grains and their events (outbox relay, stream, ranking, data platform) in this
    /// process; the silo runs migrations before the first request.</summary>
    public static IServiceCollection AddCommerceSilo(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddSilo(configuration, typeof(OrderGrain).Assembly)
            .AddCommerceGrains()
            .AddCommerceStorage()
            .AddSiloEvents(configuration);
}
