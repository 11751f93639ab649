using ECommerce.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo;

public static class CommerceServiceCollectionExtensions
{
    /// <summary>What the commerce grains need besides the silo: their options, defaults set in code.
    /// Host them with <c>AddSilo(configuration, typeof(UserGrain).Assembly)</c>; store them with <c>AddCommerceStorage()</c>.</summary>
    public static IServiceCollection AddCommerceGrains(this IServiceCollection services)
    {
        services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section);
        return services;
    }
}
