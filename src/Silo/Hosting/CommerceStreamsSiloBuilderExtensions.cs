using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.DataPlatform;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;

namespace ECommerce.Silo.Hosting;

public static class CommerceStreamsSiloBuilderExtensions
{
    /// <summary>The paid-orders stream (<see cref="OrderStreams.Provider"/>) on the provider chosen by
    /// <c>Streams:Provider</c>, its statistics, and data platform delivery. Its consumers are the implicit subscribers
    /// <c>ProductRankingGrain</c> and <see cref="DataPlatformGrain"/>.</summary>
    public static ISiloBuilder AddCommerceStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(CommerceStreamOptions.Section).Get<CommerceStreamOptions>() ?? new CommerceStreamOptions();
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(storage);
        var provider = ChooseProvider(options, storage);

        var services = silo.Services;
        services.AddOptions<CommerceStreamOptions>().BindConfiguration(CommerceStreamOptions.Section)
            .PostConfigure(bound => bound.Provider = provider);
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
            sp.GetRequiredService<ILogger<DataPlatformDeliveryWorker>>()));
        services.TryAddSingleton<IDeadLetters>(sp => sp.GetRequiredService<DataPlatformDeliveryWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<DataPlatformDeliveryWorker>());
        services.TryAddSingleton<IStreamStatistics, StreamStatistics>();

        switch (provider)
        {
            case CommerceStreamProvider.AdoNet:
                silo.AddCommerceAdoNetStreams(configuration, storage);
                break;
            case CommerceStreamProvider.EventHubs:
                silo.AddCommerceEventHubStreams(configuration, options.EventHubs);
                break;
            case CommerceStreamProvider.Memory:
                silo.AddMemoryStreams(OrderStreams.Provider, stream =>
                {
                    stream.ConfigurePartitioning(1);
                    stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                    stream.ConfigurePullingAgent(BatchDeliveries);
                });
                services.AddOptions<OrderOptions>().PostConfigure(orders => orders.KeepPaidEventUntilConsumed = true);
                break;
            default:
                throw new InvalidOperationException($"Unknown Streams:Provider '{provider}'.");
        }

        return silo;
    }

    internal static CommerceStreamProvider ChooseProvider(CommerceStreamOptions options, StorageOptions storage) =>
        options.Provider ?? (storage.Provider == StorageProvider.Sqlite ? CommerceStreamProvider.Memory : CommerceStreamProvider.AdoNet);

    /// <summary>Orleans's ADO.NET queue in the storage database. Its tables and OrleansQuery rows are the project's own
    /// (migration 0009), applied with the others before the provider loads its queries.</summary>
    private static void AddCommerceAdoNetStreams(this ISiloBuilder silo, IConfiguration configuration, StorageOptions storage)
    {
        if (storage.Provider == StorageProvider.Sqlite)
        {
            throw new InvalidOperationException(
                "Streams:Provider AdoNet needs Storage:Provider Postgres: Orleans's ADO.NET queue cannot read SQLite's column types. Use Streams:Provider Memory on SQLite.");
        }

        var (invariant, connectionString) = CommerceStorageSiloBuilderExtensions.ResolveDatabase(storage, configuration);
        silo.AddAdoNetStreams(OrderStreams.Provider, stream =>
        {
            stream.ConfigureAdoNet(builder => builder.Configure(queue =>
            {
                // Longer than Orleans's defaults: an event must not become a dead letter because the stream lagged.
                queue.MaxAttempts = 20;
                queue.ExpiryTimeout = TimeSpan.FromDays(1);
                configuration.GetSection($"{CommerceStreamOptions.Section}:AdoNet").Bind(queue);
                queue.Invariant = invariant;
                queue.ConnectionString = connectionString;
            }));
            stream.ConfigurePartitioning(1);
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(BatchDeliveries);
        });
    }

    /// <summary>Up to <see cref="DeliveryBatchSize"/> queued events per delivery: each consumer stores a batch in one
    /// write, where one event per delivery would bound it at one write per paid order.</summary>
    private static void BatchDeliveries(OptionsBuilder<StreamPullingAgentOptions> agent) =>
        agent.Configure(options => options.BatchContainerBatchSize = DeliveryBatchSize);

    public const int DeliveryBatchSize = 100;

    /// <summary>Azure Event Hubs with an Azure Table checkpointer, every value from <c>Streams:EventHubs</c>; a missing
    /// one stops the start-up with a message naming its key.</summary>
    private static void AddCommerceEventHubStreams(this ISiloBuilder silo, IConfiguration configuration, EventHubsStreamOptions hubs)
    {
        var connection = Required(hubs.ConnectionString ?? configuration.GetConnectionString("EventHubs"),
            "Streams:EventHubs:ConnectionString (or ConnectionStrings:EventHubs)");
        var hub = Required(hubs.Hub, "Streams:EventHubs:Hub");
        var consumerGroup = Required(hubs.ConsumerGroup, "Streams:EventHubs:ConsumerGroup");
        var checkpoints = Required(hubs.Checkpointer.ConnectionString ?? configuration.GetConnectionString("EventHubsCheckpoints"),
            "Streams:EventHubs:Checkpointer:ConnectionString (or ConnectionStrings:EventHubsCheckpoints)");
        silo.AddEventHubStreams(OrderStreams.Provider, stream =>
        {
            stream.ConfigureEventHub(builder => builder.Configure(eventHub =>
                eventHub.ConfigureEventHubConnection(connection, hub, consumerGroup)));
            stream.UseAzureTableCheckpointer(builder => builder.Configure(checkpointer =>
            {
                checkpointer.TableServiceClient = new Azure.Data.Tables.TableServiceClient(checkpoints);
                checkpointer.TableName = hubs.Checkpointer.Table;
                checkpointer.PersistInterval = hubs.Checkpointer.PersistInterval;
            }));
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(BatchDeliveries);
        });
    }

    private static string Required(string? value, string key) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Streams:Provider is EventHubs but {key} is not set.")
            : value;
}
