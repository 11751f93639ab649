using System.Globalization;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Streams;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;

namespace ECommerce.Silo.Tests.Events;

/// <summary>SQLite's default: Orleans memory streams, each paid order keeping its event until both consumers stored it.</summary>
public sealed class PaidOrderStreamOnSqliteTests() : PaidOrderStreamTests(null);

/// <summary>PostgreSQL's default: Orleans's ADO.NET queue with the project's own tables and queries.</summary>
[RequiresPostgres]
public sealed class PaidOrderStreamOnPostgresTests() : PaidOrderStreamTests("silo_stream");

/// <summary>The paid-orders stream from the order grain to its two implicit subscribers, the ranking and the data
/// platform, on the provider each storage gets by default.</summary>
public abstract class PaidOrderStreamTests(string? postgresPrefix) : IAsyncLifetime
{
    private readonly string _database = EventsHost.NewDatabaseFile();
    private PostgresSchema? _schema;

    private Dictionary<string, string?> Settings { get; } = new();

    public async Task InitializeAsync()
    {
        if (postgresPrefix is not null && PostgresEnvironment.ConnectionString is not null)
        {
            _schema = await PostgresSchema.CreateAsync(postgresPrefix);
            Settings["Storage:Provider"] = "Postgres";
            Settings["ConnectionStrings:Postgres"] = _schema.ConnectionString;
        }
    }

    public async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        EventsHost.DeleteDatabase(_database);
    }

    private Task<EventsHost> StartAsync(IReadOnlyDictionary<string, string?>? more = null, FakeDataPlatform? platform = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return EventsHost.StartAsync(_database, settings: settings, dataPlatform: platform);
    }

    private static IAsyncStream<OrderPaidEvent> PaidStream(EventsHost host) =>
        host.Services.GetRequiredService<IClusterClient>().GetStreamProvider(OrderStreams.Provider)
            .GetStream<OrderPaidEvent>(StreamId.Create(OrderStreams.PaidNamespace, OrderStreams.PaidKey));

    [StorageFact]
    public async Task APaidOrderShowsInTheRankingWithinTwoSeconds()
    {
        await using var host = await StartAsync();

        await host.PayOrderAsync(101, (1001, 3), (1002, 1));

        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(1001) == 3 && await host.SalesOfAsync(1002) == 1,
            TimeSpan.FromSeconds(2), "the paid order is in the ranking");
        Assert.Equal("product 1001", (await host.Ranking.GetTopAsync(1, 1)).Single().Name);
    }

    [StorageFact]
    public async Task AnEventPublishedThreeTimesIsCountedOncePostedOnceAndSeenAsTwoDuplicatesByEachConsumer()
    {
        var platform = new FakeDataPlatform();
        await using var host = await StartAsync(platform: platform);
        var paid = new OrderPaidEvent(Guid.NewGuid(), new OrderPaid(201, 201,
            [new OrderLine(2001, "product 2001", 4, 1_000, 4_000)], 4_000, 0, 4_000, null, DateTimeOffset.UtcNow));

        for (var i = 0; i < 3; i++)
        {
            await PaidStream(host).OnNextAsync(paid);
        }

        await Eventually.HoldsAsync(async () =>
                (await host.Ranking.GetProgressAsync()).Duplicates == 2
                && (await host.Grains.GetGrain<IDataPlatformGrain>(IDataPlatformGrain.Key).GetProgressAsync()).Duplicates == 2,
            TimeSpan.FromSeconds(10), "both consumers saw the event three times");
        Assert.Equal(4, await host.SalesOfAsync(2001));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Delivered(paid.EventId) == 1), TimeSpan.FromSeconds(5),
            "the data platform got the event");
        Assert.Single(platform.Requests);
        Assert.Equal(1L, (await host.Ranking.GetProgressAsync()).Consumed);
    }

    [StorageFact]
    public async Task APaymentAnswersAndTheStreamGoesOnWhileTheDataPlatformHangsOnAPostItReceived()
    {
        var platform = new FakeDataPlatform { Hanging = true };
        await using var host = await StartAsync(new Dictionary<string, string?> { ["DataPlatform:Timeout"] = "00:10:00" }, platform);
        await host.PayOrderAsync(401, (4001, 1)).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests is [{ Status: null }]), TimeSpan.FromSeconds(10),
            "the data platform has received the first paid order and hangs on it");

        await host.PayOrderAsync(402, (4002, 1)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(OrderStatus.Paid, (await host.Grains.GetGrain<IOrderGrain>(402).GetAsync()).Status);
        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(4002) == 1, TimeSpan.FromSeconds(5),
            "the stream goes on while the data platform hangs");
        Assert.True(platform.Requests is [{ Status: null }], "the data platform still hangs on the first POST");
    }

    [StorageFact]
    public async Task APaidOrdersReminderGoesOnceItsEventIsSafe()
    {
        var platform = new FakeDataPlatform();
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Orders:ReminderPeriod"] = "00:00:01" }, platform);

        await host.PayOrderAsync(501, (5001, 2));

        // Memory streams: once both consumers stored the event. The ADO.NET queue: once it stored it.
        await Eventually.HoldsAsync(async () => await OrderRemindersAsync(host) == 0, TimeSpan.FromSeconds(15),
            "the order's reminder is unregistered");
        // On the ADO.NET queue the ranking may read the stored event a poll later.
        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(5001) == 2, TimeSpan.FromSeconds(10), "counted");
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count == 1), TimeSpan.FromSeconds(5), "posted");
        Assert.True(await host.Grains.GetGrain<IDataPlatformGrain>(IDataPlatformGrain.Key)
            .HasTakenAsync(Guid.Parse(platform.Requests.Single().IdempotencyKey)));
    }

    [StorageFact]
    public async Task AConsumerWhoseWriteFailsGetsTheSameEventAgainAndCountsItOnceItCanWrite()
    {
        var platform = new FakeDataPlatform();
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Streams:StuckAfter"] = "00:00:01" }, platform);
        using var failures = new RankingWriteFailures();
        await ExecuteAsync(host, _schema is null
            ? """
              CREATE TRIGGER fail_ranking_insert BEFORE INSERT ON orleans_grain_state WHEN NEW.grain_type = 'ranking'
              BEGIN SELECT RAISE(ABORT, 'injected ranking write failure'); END;
              CREATE TRIGGER fail_ranking_update BEFORE UPDATE ON orleans_grain_state WHEN NEW.grain_type = 'ranking'
              BEGIN SELECT RAISE(ABORT, 'injected ranking write failure'); END;
              """
            : """
              CREATE FUNCTION fail_ranking() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                  IF NEW.grain_type = 'ranking' THEN RAISE EXCEPTION 'injected ranking write failure'; END IF;
                  RETURN NEW;
              END $$;
              CREATE TRIGGER fail_ranking BEFORE INSERT OR UPDATE ON orleans_grain_state
              FOR EACH ROW EXECUTE FUNCTION fail_ranking();
              """);

        await host.PayOrderAsync(701, (7001, 2));
        await Eventually.HoldsAsync(() => Task.FromResult(failures.Count >= 2), TimeSpan.FromSeconds(20),
            "the ranking's write failed on the first delivery and on a redelivery");
        var statistics = host.Services.GetRequiredService<IStreamStatistics>();
        await Eventually.HoldsAsync(async () => (await statistics.GetAsync(CancellationToken.None)).Stuck is { } stuck
                && stuck.StartsWith("product-ranking has failed every delivery for", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the stream is stuck once the ranking has failed for longer than Streams:StuckAfter");
        await ExecuteAsync(host, _schema is null
            ? "DROP TRIGGER fail_ranking_insert; DROP TRIGGER fail_ranking_update;"
            : "DROP TRIGGER fail_ranking ON orleans_grain_state; DROP FUNCTION fail_ranking();");

        // The top answers from memory, so it may show the count before its write is stored; the delivery returns after.
        await Eventually.HoldsAsync(async () => (await host.Ranking.GetProgressAsync()).Consumed == 1, TimeSpan.FromSeconds(30),
            "counted once the ranking can write");
        Assert.Equal(2, await host.SalesOfAsync(7001));
        Assert.Null((await host.Ranking.GetProgressAsync()).FailingSince);
        await Eventually.HoldsAsync(async () => (await statistics.GetAsync(CancellationToken.None)).Stuck is null,
            TimeSpan.FromSeconds(20), "no longer stuck once the ranking wrote and the queue let the event go");
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count == 1), TimeSpan.FromSeconds(5),
            "the data platform took it while the ranking failed");
    }

    private static async Task<long> OrderRemindersAsync(EventsHost host)
    {
        await using var connection = await host.Services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM orleans_reminders WHERE reminder_name = 'expire'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    internal static async Task ExecuteAsync(EventsHost host, string sql)
    {
        await using var connection = await host.Services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Counts the ranking grain's failed group-commit writes, from the grains' meter.</summary>
internal sealed class RankingWriteFailures : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _count;

    public RankingWriteFailures()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ECommerce.Grains.Persistence.GroupCommitMeter.Name
                && instrument.Name == "ecommerce.group_commit.write.failures")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "grain.type" && tag.Value is string type && type.Contains("ranking", StringComparison.OrdinalIgnoreCase))
                {
                    Interlocked.Add(ref _count, value);
                }
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}

/// <summary>What only the ADO.NET queue shows: its pending rows and their age, and a failed publication.</summary>
[RequiresPostgres]
public sealed class AdoNetQueueTests : IAsyncLifetime
{
    private readonly string _database = EventsHost.NewDatabaseFile();
    private PostgresSchema? _schema;

    public async Task InitializeAsync() => _schema = await PostgresSchema.CreateAsync("silo_queue");

    public async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        EventsHost.DeleteDatabase(_database);
    }

    private Task<EventsHost> StartAsync(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = _schema!.ConnectionString,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return EventsHost.StartAsync(_database, settings: settings);
    }

    private static Task InsertUnreadMessageAsync(EventsHost host, string createdOn) =>
        PaidOrderStreamTests.ExecuteAsync(host, $"""
            INSERT INTO orleans_stream_messages (service_id, provider_id, queue_id, message_id, dequeued, visible_on,
                expires_on, created_on, modified_on, payload)
            VALUES ('ecommerce', 'commerce', 'unread', -1, 0, now() AT TIME ZONE 'UTC',
                (now() AT TIME ZONE 'UTC') + INTERVAL '1 day', {createdOn}, now() AT TIME ZONE 'UTC', '\x00')
            """);

    [StorageFact]
    public async Task TheStreamIsStuckOnceItsOldestEventWaitedLongerThanStuckAfter()
    {
        await using var host = await StartAsync(("Streams:StuckAfter", "00:00:30"));
        var statistics = host.Services.GetRequiredService<IStreamStatistics>();
        await host.PayOrderAsync(601, (6001, 1));
        await Eventually.HoldsAsync(async () => await host.SalesOfAsync(6001) == 1, TimeSpan.FromSeconds(5), "counted");

        Assert.Null((await statistics.GetAsync(CancellationToken.None)).Stuck);
        await Eventually.HoldsAsync(async () => (await statistics.GetAsync(CancellationToken.None)).Pending == 0,
            TimeSpan.FromSeconds(10), "the queue confirmed the delivered event");

        // A message two minutes old on a queue no receiver reads: the queue's oldest pending event.
        await InsertUnreadMessageAsync(host, "(now() AT TIME ZONE 'UTC') - INTERVAL '2 minutes'");

        var stuck = await statistics.GetAsync(CancellationToken.None);
        Assert.Equal(1L, stuck.Pending);
        Assert.InRange(stuck.OldestPendingAge!.Value, TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(180));
        Assert.StartsWith("the oldest pending event has waited 1", stuck.Stuck);
    }

    [StorageFact]
    public async Task AnEventStoredAfterTheClocksNowHasNoNegativeLag()
    {
        await using var host = await StartAsync();
        await InsertUnreadMessageAsync(host, "(now() AT TIME ZONE 'UTC') + INTERVAL '1 hour'");

        var statistics = await host.Services.GetRequiredService<IStreamStatistics>().GetAsync(CancellationToken.None);

        Assert.Equal((1L, TimeSpan.Zero, (string?)null), (statistics.Pending, statistics.OldestPendingAge, statistics.Stuck));
    }

    [StorageFact]
    public async Task APublicationTheQueueRefusedIsPublishedAgainByTheOrdersReminderAndCountedOnce()
    {
        await using var host = await StartAsync(("Orders:ReminderPeriod", "00:00:01"));
        await PaidOrderStreamTests.ExecuteAsync(host, """
            CREATE FUNCTION refuse_stream_message() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected queue failure'; END $$;
            CREATE TRIGGER refuse_stream_message BEFORE INSERT ON orleans_stream_messages
            FOR EACH ROW EXECUTE FUNCTION refuse_stream_message();
            """);

        // The payment itself is committed and answered; only its publication failed.
        await host.PayOrderAsync(801, (8001, 3));
        Assert.Equal(OrderStatus.Paid, (await host.Grains.GetGrain<IOrderGrain>(801).GetAsync()).Status);
        Assert.Equal(0L, (await host.Ranking.GetProgressAsync()).Consumed);

        await PaidOrderStreamTests.ExecuteAsync(host,
            "DROP TRIGGER refuse_stream_message ON orleans_stream_messages; DROP FUNCTION refuse_stream_message();");
        await Eventually.HoldsAsync(async () => (await host.Ranking.GetProgressAsync()).Consumed == 1, TimeSpan.FromSeconds(15),
            "the reminder published the event again");
        Assert.Equal(3, await host.SalesOfAsync(8001));
    }
}
