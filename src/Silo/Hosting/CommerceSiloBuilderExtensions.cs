using ECommerce.Grains;
using ECommerce.Grains.Faults;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace ECommerce.Silo.Hosting;

public static class CommerceSiloBuilderExtensions
{
    /// <summary>The product's silo: <see cref="CommerceClusteringSiloBuilderExtensions.UseCommerceClustering"/> and
    /// <see cref="AddCommerceServices"/>.
    /// <c>Program.cs</c> calls it from <c>UseOrleans</c>.</summary>
    public static ISiloBuilder AddCommerceSilo(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.UseCommerceClustering(configuration).AddCommerceServices(configuration);

    /// <summary>Everything of the product's silo except clustering: grain storage and reminders on the configured
    /// database, the grains' options, the paid-orders stream with data platform delivery, and Orleans's dashboard. Test
    /// clusters, which bring their own clustering, ports and ids, call it from their silo configurator, so tests run
    /// the production wiring.</summary>
    public static ISiloBuilder AddCommerceServices(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddCommerceStorage(configuration);
        silo.AddCommerceGrains();
        silo.AddCommerceStreams(configuration);
        silo.AddDashboard();
        KnownGrainInterfaceTypes.AddTo(silo.Services);
        return silo;
    }

    /// <summary>What the grains need besides Orleans: their options (defaults in code) and a clock.</summary>
    public static ISiloBuilder AddCommerceGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section);
        // Orleans refuses reminder periods under one minute by default; the order's reminder is shorter on purpose.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<OrderOptions>>((reminders, orders) =>
            reminders.MinimumReminderPeriod = orders.Value.ReminderPeriod < reminders.MinimumReminderPeriod
                ? orders.Value.ReminderPeriod
                : reminders.MinimumReminderPeriod);
        silo.Services.AddOptions<RankingOptions>().BindConfiguration(RankingOptions.Section);
        silo.Services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.Section);
        silo.Services.AddOptions<FaultOptions>().BindConfiguration(FaultOptions.Section);
        silo.Services.TryAddSingleton<CrashPoints>();
        return silo;
    }
}
