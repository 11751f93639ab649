using System.Collections.Concurrent;
using ECommerce.Grains.Abstractions.Events;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace ECommerce.Silo.Tests.Events;

/// <summary>The RabbitMQ provider against a real broker; each test has its own stream queue and database.</summary>
public sealed class RabbitMqStreamTests : IAsyncLifetime
{
    private readonly string _database = EventsHost.NewDatabaseFile();
    private readonly string _queue = $"ecommerce.test.{Guid.NewGuid():N}";

    private Dictionary<string, string?> Settings => new()
    {
        ["Streams:Provider"] = "RabbitMq",
        ["ConnectionStrings:RabbitMq"] = RabbitMqEnvironment.ConnectionString,
        ["Streams:RabbitMq:Queue"] = _queue,
        ["Streams:RabbitMq:ResubscribeDelay"] = "00:00:00.100",
    };

    private Task<EventsHost> StartAsync(RecordingConsumer recorder) =>
        EventsHost.StartAsync(_database, services => services.AddSingleton<IStreamConsumer>(recorder), Settings);

    private static StreamEvent NewEvent(int number) =>
        new(Guid.NewGuid(), "TestEvent", $$"""{"number":{{number}}}""", DateTimeOffset.UnixEpoch.AddDays(number));

    [RabbitMqFact]
    public async Task APublishedEventIsConfirmedAndReachesTheConsumerIntact()
    {
        var recorder = new RecordingConsumer();
        await using var host = await StartAsync(recorder);
        var sent = NewEvent(1);

        await host.Services.GetRequiredService<IStreamPublisher>().PublishAsync([sent], CancellationToken.None);

        await Eventually.HoldsAsync(() => Task.FromResult(recorder.Received.Count == 1), TimeSpan.FromSeconds(10), "delivered");
        Assert.Equal(sent, recorder.Received.Single());
    }

    [RabbitMqFact]
    public async Task AConsumerResumesFromItsStoredOffsetAfterARestart()
    {
        var before = new RecordingConsumer();
        var first = Enumerable.Range(1, 3).Select(NewEvent).ToList();
        await using (var host = await StartAsync(before))
        {
            await host.Services.GetRequiredService<IStreamPublisher>().PublishAsync(first, CancellationToken.None);
            await Eventually.HoldsAsync(() => Task.FromResult(before.Received.Count == 3), TimeSpan.FromSeconds(10), "first three");
        }

        var after = new RecordingConsumer();
        await using var restarted = await StartAsync(after);
        var second = Enumerable.Range(4, 2).Select(NewEvent).ToList();
        await restarted.Services.GetRequiredService<IStreamPublisher>().PublishAsync(second, CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(after.Received.Count >= 2), TimeSpan.FromSeconds(10), "last two");

        Assert.Equal(first, before.Received);
        Assert.Equal(second, after.Received);
    }

    [RabbitMqFact]
    public async Task AConsumerThatFailsGetsTheSameEventAgainAndLosesNone()
    {
        var flaky = new RecordingConsumer { FailuresLeft = 1 };
        await using var host = await StartAsync(flaky);
        var sent = Enumerable.Range(1, 3).Select(NewEvent).ToList();

        await host.Services.GetRequiredService<IStreamPublisher>().PublishAsync(sent, CancellationToken.None);

        await Eventually.HoldsAsync(() => Task.FromResult(flaky.Received.Count == 3), TimeSpan.FromSeconds(10), "all three");
        Assert.Equal(sent, flaky.Received);
    }

    [RabbitMqFact]
    public async Task APaidOrderReachesTheRankingThroughRabbitMq()
    {
        await using var host = await EventsHost.StartAsync(_database, settings: Settings);

        await host.PayOrderAsync(801, (8001, 5));

        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(8001) == 5, TimeSpan.FromSeconds(10), "ranked");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        EventsHost.DeleteDatabase(_database);
        if (RabbitMqEnvironment.ConnectionString is not { } uri)
        {
            return;
        }

        await using var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(_queue, ifUnused: false, ifEmpty: false);
    }

    private sealed class RecordingConsumer : IStreamConsumer
    {
        private readonly ConcurrentQueue<StreamEvent> _received = new();

        public int FailuresLeft { get; set; }

        public string Name => "test-recorder";

        public IReadOnlyList<StreamEvent> Received => _received.ToList();

        public Task HandleAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
        {
            if (streamEvent.EventType != "TestEvent")
            {
                return Task.CompletedTask;
            }

            if (FailuresLeft > 0 && _received.Count == 1)
            {
                FailuresLeft--;
                throw new IOException("The consumer failed once.");
            }

            _received.Enqueue(streamEvent);
            return Task.CompletedTask;
        }
    }
}
