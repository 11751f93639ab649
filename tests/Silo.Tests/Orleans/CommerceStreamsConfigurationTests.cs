using System.Reflection;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Hosting;
using ECommerce.Silo.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ECommerce.Silo.Tests.Orleans;

/// <summary>Which provider stands behind the paid-orders stream, and what reaches it from configuration. Event Hubs
/// cannot run here (no Azure, no emulator): its wiring is checked on a host that is built but never started.</summary>
public sealed class CommerceStreamsConfigurationTests
{
    private static readonly Dictionary<string, string?> EventHubs = new()
    {
        ["Streams:Provider"] = "EventHubs",
        ["Streams:EventHubs:ConnectionString"] =
            "Endpoint=sb://ecommerce-test.servicebus.windows.net/;SharedAccessKeyName=send-listen;SharedAccessKey=c2VjcmV0",
        ["Streams:EventHubs:Hub"] = "paid-orders",
        ["Streams:EventHubs:ConsumerGroup"] = "ecommerce-silos",
        ["Streams:EventHubs:Checkpointer:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Streams:EventHubs:Checkpointer:Table"] = "paidordercheckpoints",
        ["Streams:EventHubs:Checkpointer:PersistInterval"] = "00:00:20",
    };

    private static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = "Data Source=never-opened.db",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddCommerceSilo(builder.Configuration));
        return builder.Build();
    }

    [Theory]
    [InlineData("Sqlite", null, CommerceStreamProvider.Memory)]
    [InlineData("Postgres", null, CommerceStreamProvider.AdoNet)]
    [InlineData("Postgres", "Memory", CommerceStreamProvider.Memory)]
    [InlineData("Sqlite", "EventHubs", CommerceStreamProvider.EventHubs)]
    public void TheStorageChoosesTheDefaultProviderAndStreamsProviderOverridesIt(string storage, string? stream,
        CommerceStreamProvider expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = storage,
            ["Streams:Provider"] = stream,
        }).Build();

        var options = configuration.GetSection(CommerceStreamOptions.Section).Get<CommerceStreamOptions>() ?? new();
        var storageOptions = new global::ECommerce.Silo.Storage.StorageOptions();
        configuration.GetSection(global::ECommerce.Silo.Storage.StorageOptions.SectionName).Bind(storageOptions);

        Assert.Equal(expected, CommerceStreamsSiloBuilderExtensions.ChooseProvider(options, storageOptions));
    }

    [Fact]
    public void OnlyTheMemoryProviderMakesAPaidOrderKeepItsEventUntilBothConsumersStoredIt()
    {
        using var memory = Build(new Dictionary<string, string?>());
        using var hubs = Build(EventHubs);

        Assert.True(memory.Services.GetRequiredService<IOptions<OrderOptions>>().Value.KeepPaidEventUntilConsumed);
        Assert.False(hubs.Services.GetRequiredService<IOptions<OrderOptions>>().Value.KeepPaidEventUntilConsumed);
    }

    [Fact]
    public void TheEventHubsConnectionHubConsumerGroupAndCheckpointerReachTheProvidersOptions()
    {
        using var host = Build(EventHubs);

        var hub = host.Services.GetRequiredService<IOptionsMonitor<EventHubOptions>>().Get(OrderStreams.Provider);
        // The provider opens its connections with this delegate; creating one parses the connection string only.
        var connection = Internal<EventHubOptions.CreateConnectionDelegate>(hub, "CreateConnection")(hub.ConnectionOptions);
        Assert.Equal(("ecommerce-test.servicebus.windows.net", "paid-orders"), (connection.FullyQualifiedNamespace, connection.EventHubName));
        Assert.Equal(("paid-orders", "ecommerce-silos"),
            (Internal<string>(hub, "EventHubName"), Internal<string>(hub, "ConsumerGroup")));

        var checkpointer = host.Services.GetRequiredService<IOptionsMonitor<AzureTableStreamCheckpointerOptions>>()
            .Get(OrderStreams.Provider);
        Assert.Equal(("paidordercheckpoints", TimeSpan.FromSeconds(20)), (checkpointer.TableName, checkpointer.PersistInterval));
        Assert.Equal("devstoreaccount1", checkpointer.TableServiceClient!.AccountName);
    }

    // Orleans keeps the hub's name, consumer group and connection factory internal to its provider.
    private static T Internal<T>(EventHubOptions options, string property) =>
        (T)typeof(EventHubOptions).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(options)!;

    [Theory]
    [InlineData("Streams:EventHubs:ConnectionString", "Streams:EventHubs:ConnectionString (or ConnectionStrings:EventHubs)")]
    [InlineData("Streams:EventHubs:Hub", "Streams:EventHubs:Hub")]
    [InlineData("Streams:EventHubs:ConsumerGroup", "Streams:EventHubs:ConsumerGroup")]
    [InlineData("Streams:EventHubs:Checkpointer:ConnectionString",
        "Streams:EventHubs:Checkpointer:ConnectionString (or ConnectionStrings:EventHubsCheckpoints)")]
    public void AMissingEventHubsSettingStopsTheStartWithAMessageNamingIt(string key, string named)
    {
        var settings = new Dictionary<string, string?>(EventHubs) { [key] = null };

        var error = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());

        Assert.Equal($"Streams:Provider is EventHubs but {named} is not set.", error.Message);
    }

    [Fact]
    public void TheAdoNetQueueOnSqliteStopsTheStartWithAMessageNamingTheWayOut()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Build(new Dictionary<string, string?> { ["Streams:Provider"] = "AdoNet" }).Dispose());

        Assert.Contains("Use Streams:Provider Memory on SQLite", error.Message);
    }
}
