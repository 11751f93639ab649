using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.DataPlatform;
using ECommerce.Silo.Statistics;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Streams;
using ECommerce.Silo.Streams.RabbitMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The outbox and its relay with their statistics, the stream provider chosen by <c>Streams:Provider</c>,
    /// the ranking's consumer, and data platform delivery.</summary>
    public static IServiceCollection AddSiloEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section);
        services.AddOptions<DataPlatformOptions>().BindConfiguration(DataPlatformOptions.Section);
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(DataPlatformOptions.HttpClientName);
        services.TryAddSingleton<DataPlatformStore>();
        services.TryAddSingleton<DataPlatformSender>();
        services.TryAddSingleton(sp => new DataPlatformDeliveryWorker(
            sp.GetRequiredService<DataPlatformStore>(),
            sp.GetRequiredService<DataPlatformSender>(),
            sp.GetRequiredService<IOptions<DataPlatformOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DataPlatformDeliveryWorker>>()));
        services.TryAddSingleton<IDeadLetters>(sp => sp.GetRequiredService<DataPlatformDeliveryWorker>());

        services.AddSingleton<IStreamConsumer, RankingConsumer>();
        services.AddSingleton<IStreamConsumer, DataPlatformConsumer>();

        var provider = configuration.GetSection(StreamOptions.Section).GetValue(nameof(StreamOptions.Provider), StreamProvider.InProcess);
        switch (provider)
        {
            case StreamProvider.InProcess:
                services.TryAddSingleton<IStreamPublisher, InProcessStreamPublisher>();
                break;
            case StreamProvider.RabbitMq:
                services.AddRabbitMqStreams(configuration);
                break;
            default:
                throw new InvalidOperationException($"Unknown Streams:Provider '{provider}'.");
        }

        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<IOutbox, SqlOutbox>();
        services.TryAddSingleton<IOutboxStatistics, SqlOutboxStatistics>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<DataPlatformDeliveryWorker>());
        return services;
    }

    private static void AddRabbitMqStreams(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("RabbitMq") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("Streams:Provider is RabbitMq but ConnectionStrings:RabbitMq is not set.");
        services.TryAddSingleton<StreamOffsetStore>();
        services.TryAddSingleton<IStreamPublisher>(sp => new RabbitMqStreamPublisher(
            new RabbitMqConnection(connectionString, "ecommerce-publisher", sp.GetRequiredService<IOptions<StreamOptions>>()),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => new RabbitMqSubscriptions(
            new RabbitMqConnection(connectionString, "ecommerce-consumers", sp.GetRequiredService<IOptions<StreamOptions>>()),
            sp.GetRequiredService<StreamOffsetStore>(),
            sp.GetServices<IStreamConsumer>(),
            sp.GetRequiredService<IOptions<StreamOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RabbitMqSubscriptions>>()));
    }
}
