using System.Net;
using System.Text.Json;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.DataPlatform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Tests.Events;

public sealed class DataPlatformDeliveryTests : IDisposable
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["DataPlatform:RetryDelays:0"] = "00:00:00.001",
        ["DataPlatform:RetryDelays:1"] = "00:00:00.005",
        ["DataPlatform:RetryDelays:2"] = "00:00:00.030",
    };

    private readonly string _database = EventsHost.NewDatabaseFile();

    public void Dispose() => EventsHost.DeleteDatabase(_database);

    [Fact]
    public async Task APlatformThatFailsEveryRetryProducesOneDeadLetterAndAReplayAfterItRecoversDeliversExactlyOnce()
    {
        var platform = new FakeDataPlatform { Failing = true };
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);

        await host.PayOrderAsync(501, (5001, 1));
        await Eventually.HoldsAsync(async () => (await host.DeadLetters.ListAsync(CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(10), "the event becomes a dead letter");

        var letter = (await host.DeadLetters.ListAsync(CancellationToken.None)).Single();
        Assert.Equal((DeadLetterStatus.Dead, "OrderPaid", 4L), (letter.Status, letter.EventType, letter.Attempts));
        Assert.Equal(4, platform.Requests.Count);
        Assert.All(platform.Requests, request => Assert.Equal(HttpStatusCode.InternalServerError, request.Status));

        platform.Failing = false;
        var replays = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.DeadLetters.ReplayAsync(letter.Id, CancellationToken.None)));
        var again = await host.DeadLetters.ReplayAsync(letter.Id, CancellationToken.None);

        Assert.Equal(1, replays.Count(replay => replay.Outcome == ReplayOutcome.Delivered));
        Assert.Equal(ReplayOutcome.NotReplayable, again.Outcome);
        Assert.Equal(1, platform.Delivered(letter.Id));
        Assert.Equal(DeadLetterStatus.Replayed, (await host.DeadLetters.ListAsync(CancellationToken.None)).Single().Status);
    }

    [Fact]
    public async Task AReplayWhileThePlatformStillFailsKeepsTheDeadLetter()
    {
        var platform = new FakeDataPlatform { Failing = true };
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);
        await host.PayOrderAsync(601, (6001, 1));
        await Eventually.HoldsAsync(async () => (await host.DeadLetters.ListAsync(CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(10), "the event becomes a dead letter");
        var letter = (await host.DeadLetters.ListAsync(CancellationToken.None)).Single();

        var replay = await host.DeadLetters.ReplayAsync(letter.Id, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Failed, replay.Outcome);
        Assert.Equal((DeadLetterStatus.Dead, 5L), (await host.DeadLetters.ListAsync(CancellationToken.None)).Single() is var after
            ? (after.Status, after.Attempts) : default);
    }

    [Fact]
    public async Task ReplayingAnUnknownDeadLetterFindsNothing()
    {
        await using var host = await EventsHost.StartAsync(_database);

        Assert.Equal(ReplayOutcome.NotFound, (await host.DeadLetters.ReplayAsync(Guid.NewGuid(), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task ARetryScheduledBeforeARestartIsMadeAfterItWithTheSameEventId()
    {
        // The first retry is due 3 s after the failure: long enough to stop the host before it, short enough to wait for.
        var slowRetry = new Dictionary<string, string?> { ["DataPlatform:RetryDelays:0"] = "00:00:03" };
        var failing = new FakeDataPlatform { Failing = true };
        await using (var first = await EventsHost.StartAsync(_database, dataPlatform: failing, settings: slowRetry))
        {
            await first.PayOrderAsync(801, (8001, 1));
            await Eventually.HoldsAsync(() => Task.FromResult(failing.Requests.Count == 1), TimeSpan.FromSeconds(5),
                "the first POST failed");
        }

        var recovered = new FakeDataPlatform();
        await using var second = await EventsHost.StartAsync(_database, dataPlatform: recovered, settings: slowRetry);

        await Eventually.HoldsAsync(() => Task.FromResult(recovered.Requests.Count == 1), TimeSpan.FromSeconds(15),
            "the retry stored before the restart is made after it");
        Assert.Equal(failing.Requests.Single().IdempotencyKey, recovered.Requests.Single().IdempotencyKey);
        Assert.Equal(1, recovered.Delivered(Guid.Parse(recovered.Requests.Single().IdempotencyKey)));
        Assert.Empty(await second.DeadLetters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task APaidOrderIsPostedOnceAsJsonCarryingTheOrderWithItsEventIdAsIdempotencyKey()
    {
        var platform = new FakeDataPlatform();
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);

        await host.PayOrderAsync(701, (7001, 2));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count == 1), TimeSpan.FromSeconds(5),
            "the paid order reaches the data platform");

        var request = platform.Requests.Single();
        var order = await host.Grains.GetGrain<IOrderGrain>(701).GetAsync();
        Assert.Equal("application/json", request.ContentType);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(Guid.Parse(request.IdempotencyKey), root.GetProperty("eventId").GetGuid());
        Assert.Equal("OrderPaid", root.GetProperty("eventType").GetString());
        Assert.Equal(order.PaidAt, root.GetProperty("occurredAt").GetDateTimeOffset());
        var data = root.GetProperty("data");
        Assert.Equal((701L, 701L, 2_000L, 2_000L), (data.GetProperty("orderId").GetInt64(), data.GetProperty("userId").GetInt64(),
            data.GetProperty("totalPrice").GetInt64(), data.GetProperty("paidAmount").GetInt64()));
        var item = Assert.Single(data.GetProperty("items").EnumerateArray());
        Assert.Equal((7001L, "product 7001", 2, 1_000L, 2_000L), (item.GetProperty("productId").GetInt64(),
            item.GetProperty("name").GetString(), item.GetProperty("quantity").GetInt32(), item.GetProperty("unitPrice").GetInt64(),
            item.GetProperty("lineTotal").GetInt64()));
        // The product's one option: its id is the product id.
        Assert.Equal((7001L, "default"), (item.GetProperty("optionId").GetInt64(), item.GetProperty("optionName").GetString()));
        Assert.Equal(HttpStatusCode.OK, request.Status);
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task EventsDeliveredInOnePassAreAllMarkedDeliveredAndNeverPostedAgain()
    {
        // More than one pass's batch (20): each pass marks what it delivered in one write.
        const int orders = 25;
        var platform = new FakeDataPlatform();
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);

        await Task.WhenAll(Enumerable.Range(0, orders).Select(i => host.PayOrderAsync(801 + i, (8001 + i, 1))));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count == orders), TimeSpan.FromSeconds(10),
            "every paid order reaches the data platform");
        var store = host.Services.GetRequiredService<DataPlatformStore>();
        await Eventually.HoldsAsync(async () => (await store.TakeDueAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(5), "every delivery is marked delivered");

        // A few more polls (200 ms apart): a delivery left unmarked would be posted again.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(orders, platform.Requests.Count);
        Assert.Equal(orders, platform.Requests.Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.All(platform.Requests, request => Assert.Equal(HttpStatusCode.OK, request.Status));
    }

    [Fact]
    public async Task ABatchQueuedInOneStatementCountsOnlyEventsNotQueuedBeforeAndEachIsPostedOnce()
    {
        var platform = new FakeDataPlatform();
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);
        var store = host.Services.GetRequiredService<DataPlatformStore>();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        PlatformEvent Event(Guid id) => new(id, "Test", """{"n":1}""", DateTimeOffset.UtcNow);

        // A repeat inside one batch, then a batch holding one event queued before.
        var first = await store.EnqueueAsync([Event(a), Event(b), Event(a)], DateTimeOffset.UtcNow, CancellationToken.None);
        var second = await store.EnqueueAsync([Event(b), Event(c)], DateTimeOffset.UtcNow, CancellationToken.None);
        var many = Enumerable.Range(0, 130).Select(_ => Event(Guid.NewGuid())).ToList();
        var third = await store.EnqueueAsync(many, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal((2, 1, 130), (first, second, third));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count >= 133), TimeSpan.FromSeconds(10),
            "every queued event reaches the data platform");
        Assert.Equal(133, platform.Requests.Count);
        Assert.All(new[] { a, b, c }.Concat(many.Select(e => e.EventId)), id => Assert.Equal(1, platform.Delivered(id)));
    }

    [Fact]
    public async Task AFailureThatIsNeitherAnHttpErrorNorATimeoutCountsAsAnAttemptUntilTheEventIsADeadLetter()
    {
        var platform = new FakeDataPlatform { Broken = true };
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);

        await host.PayOrderAsync(801, (8001, 1));
        await Eventually.HoldsAsync(async () => (await host.DeadLetters.ListAsync(CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(10), "the event becomes a dead letter");

        var letter = (await host.DeadLetters.ListAsync(CancellationToken.None)).Single();
        Assert.Equal((DeadLetterStatus.Dead, 4L), (letter.Status, letter.Attempts));
        Assert.Contains("cannot read", letter.LastError);
        Assert.Equal(4, platform.Requests.Count);
    }

    [Fact]
    public async Task AReplayThatFailsUnexpectedlyLeavesTheLetterDeadAndReplayableRatherThanClaimed()
    {
        var platform = new FakeDataPlatform { Failing = true };
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);
        await host.PayOrderAsync(802, (8002, 1));
        await Eventually.HoldsAsync(async () => (await host.DeadLetters.ListAsync(CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(10), "the event becomes a dead letter");
        var letter = (await host.DeadLetters.ListAsync(CancellationToken.None)).Single();

        platform.Broken = true;
        var replay = await host.DeadLetters.ReplayAsync(letter.Id, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Failed, replay.Outcome);
        Assert.Equal((DeadLetterStatus.Dead, 5L), (await host.DeadLetters.ListAsync(CancellationToken.None)).Single() is var after
            ? (after.Status, after.Attempts) : default);
        platform.Broken = false;
        platform.Failing = false;
        Assert.Equal(ReplayOutcome.Delivered, (await host.DeadLetters.ReplayAsync(letter.Id, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task DeadLetteringAnEventLogsAnErrorNamingTheEvent()
    {
        var logs = new CapturingLoggerProvider();
        var platform = new FakeDataPlatform { Failing = true };
        await using var host = await EventsHost.StartAsync(_database, services => services.AddSingleton<ILoggerProvider>(logs),
            dataPlatform: platform, settings: FastRetries);

        await host.PayOrderAsync(901, (9001, 1));
        await Eventually.HoldsAsync(async () => (await host.DeadLetters.ListAsync(CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(10), "the event becomes a dead letter");

        var letter = (await host.DeadLetters.ListAsync(CancellationToken.None)).Single();
        // The row is committed a moment before the worker logs it.
        await Eventually.HoldsAsync(() => Task.FromResult(logs.Entries.Any(entry => entry.Level == LogLevel.Error)),
            TimeSpan.FromSeconds(10), "the dead letter is logged");
        var error = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal(typeof(DataPlatformDeliveryWorker).FullName, error.Category);
        Assert.Contains($"OrderPaid {letter.Id:D}", error.Message);
        Assert.IsType<HttpRequestException>(error.Exception);
    }
}
