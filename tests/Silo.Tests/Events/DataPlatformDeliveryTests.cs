using System.Net;
using ECommerce.Silo.DataPlatform;

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
    public async Task APaidOrderIsPostedOnceWithItsEventIdAsIdempotencyKey()
    {
        var platform = new FakeDataPlatform();
        await using var host = await EventsHost.StartAsync(_database, dataPlatform: platform, settings: FastRetries);

        await host.PayOrderAsync(701, (7001, 2));
        await Eventually.HoldsAsync(() => Task.FromResult(platform.Requests.Count == 1), TimeSpan.FromSeconds(5),
            "the paid order reaches the data platform");

        Assert.True(Guid.TryParse(platform.Requests.Single().IdempotencyKey, out _));
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
    }
}
