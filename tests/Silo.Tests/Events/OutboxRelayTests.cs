using System.Collections.Concurrent;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Events;

public sealed class OutboxRelayTests : IDisposable
{
    private readonly string _database = EventsHost.NewDatabaseFile();

    public void Dispose() => EventsHost.DeleteDatabase(_database);

    [Fact]
    public async Task APaidOrderShowsInTheRankingWithinTwoSecondsWithTheDefaultPollInterval()
    {
        await using var host = await EventsHost.StartAsync(_database,
            settings: new Dictionary<string, string?> { ["Streams:PollInterval"] = null });

        await host.PayOrderAsync(101, (1001, 3), (1002, 1));

        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(1001) == 3 && await host.SalesOfAsync(1002) == 1,
            TimeSpan.FromSeconds(2), "the paid order is in the ranking");
        Assert.Equal("product 1001", (await host.Ranking.GetTopAsync(1, 1)).Single().Name);
    }

    [Fact]
    public async Task ACrashAfterPublishingButBeforeMarkingSentRedeliversAndTheRankingStaysExact()
    {
        var crashing = new CrashAfterPublish();
        await using (var first = await EventsHost.StartAsync(_database,
            services => services.AddSingleton<IStreamPublisher>(sp => crashing.Wrap(sp.GetServices<IStreamConsumer>()))))
        {
            await first.PayOrderAsync(201, (2001, 4));
            await Eventually.HoldsAsync(() => Task.FromResult(crashing.Published.Count > 0), TimeSpan.FromSeconds(5),
                "the event is published once");
        }

        await using var second = await EventsHost.StartAsync(_database);
        await Eventually.HoldsAsync(async () => await UnsentAsync(second) == 0, TimeSpan.FromSeconds(5),
            "the restarted relay publishes the unsent row and marks it sent");

        // Delivered twice (before the crash and after it), counted once: the ranking's stored state keeps the event id.
        Assert.NotEmpty(crashing.Published);
        Assert.Equal(4, await second.SalesOfAsync(2001));
    }

    [Fact]
    public async Task AFailedPublishLeavesTheRowUnsentAndCountsTheAttempt()
    {
        var crashing = new CrashAfterPublish();
        await using var host = await EventsHost.StartAsync(_database,
            services => services.AddSingleton<IStreamPublisher>(sp => crashing.Wrap(sp.GetServices<IStreamConsumer>())));

        await host.PayOrderAsync(301, (3001, 2));
        await Eventually.HoldsAsync(async () => await CountAsync(host, "SELECT MAX(attempts) FROM outbox") >= 2,
            TimeSpan.FromSeconds(5), "the relay tries again");

        Assert.Equal(1, await UnsentAsync(host));
        Assert.Equal(2, await host.SalesOfAsync(3001));
    }

    [Fact]
    public async Task APaymentAnswersAndTheStreamGoesOnWhileTheDataPlatformHangsOnAPostItReceived()
    {
        var platform = new FakeDataPlatform { Hanging = true };
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform,
            settings: new Dictionary<string, string?> { ["DataPlatform:Timeout"] = "00:10:00" });
        await host.PayOrderAsync(401, (4001, 1)).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests is [{ Status: null }]), TimeSpan.FromSeconds(10),
            "the data platform has received the first paid order and hangs on it");

        await host.PayOrderAsync(402, (4002, 1)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(OrderStatus.Paid, (await host.Grains.GetGrain<IOrderGrain>(402).GetAsync()).Status);
        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(4002) == 1, TimeSpan.FromSeconds(5),
            "the stream goes on while the data platform hangs");
        Assert.True(platform.Requests is [{ Status: null }], "the data platform still hangs on the first POST");
    }

    private static Task<long> UnsentAsync(EventsHost host) => CountAsync(host, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");

    private static async Task<long> CountAsync(EventsHost host, string sql)
    {
        await using var connection = await host.Services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Delivers every event to the consumers, then fails as a process killed before the relay marks it sent.</summary>
    private sealed class CrashAfterPublish
    {
        public ConcurrentQueue<Guid> Published { get; } = new();

        public IStreamPublisher Wrap(IEnumerable<IStreamConsumer> consumers) => new Publisher(this, new InProcessStreamPublisher(consumers));

        private sealed class Publisher(CrashAfterPublish owner, IStreamPublisher inner) : IStreamPublisher
        {
            public async Task PublishAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
            {
                await inner.PublishAsync(events, cancellationToken);
                foreach (var streamEvent in events)
                {
                    owner.Published.Enqueue(streamEvent.EventId);
                }

                throw new IOException("Crashed after publishing, before marking sent.");
            }
        }
    }
}
