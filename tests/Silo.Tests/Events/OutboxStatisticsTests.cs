using ECommerce.Silo.Statistics;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Streams;
using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Events;

public sealed class SqliteOutboxStatisticsTests(SqliteStorageFixture fixture)
    : OutboxStatisticsTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresOutboxStatisticsTests(PostgresStorageFixture fixture)
    : OutboxStatisticsTests(fixture), IClassFixture<PostgresStorageFixture>;

[RequiresMySql]
public sealed class MySqlOutboxStatisticsTests(MySqlStorageFixture fixture)
    : OutboxStatisticsTests(fixture), IClassFixture<MySqlStorageFixture>;

public abstract class OutboxStatisticsTests(StorageFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, 250, TimeSpan.Zero);

    /// <summary>A freshly migrated database, so the counts are exact.</summary>
    private async Task<SqlDatabase> NewDatabaseAsync()
    {
        var services = fixture.CreateServices(await fixture.CreateDatabaseAsync());
        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(None);
        return services.GetRequiredService<SqlDatabase>();
    }

    [StorageFact]
    public async Task AnEmptyOutboxHasNothingPendingNoLagAndNoDeadLetters()
    {
        var statistics = new SqlOutboxStatistics(await NewDatabaseAsync(), new ManualClock(Now));

        Assert.Equal(new OutboxStatisticsSnapshot(0, TimeSpan.Zero, 0), await statistics.GetAsync(None));
    }

    [StorageFact]
    public async Task UnsentRowsAndDeadLettersNotYetReplayedAreCountedAndTheLagIsTheOldestUnsentRowsAge()
    {
        var database = await NewDatabaseAsync();
        await InsertOutboxAsync(database, Now.AddHours(-1), sentAt: Now.AddMinutes(-59));
        await InsertOutboxAsync(database, Now.AddSeconds(-90.5), sentAt: null);
        await InsertOutboxAsync(database, Now.AddSeconds(-30), sentAt: null);
        await InsertOutboxAsync(database, Now.AddSeconds(-1), sentAt: null);
        await InsertDeadLetterAsync(database, "DEAD", replayedAt: null);
        await InsertDeadLetterAsync(database, "REPLAYING", replayedAt: null);
        await InsertDeadLetterAsync(database, "REPLAYED", replayedAt: Now.AddSeconds(-5));
        var statistics = new SqlOutboxStatistics(database, new ManualClock(Now));

        var snapshot = await statistics.GetAsync(None);

        Assert.Equal(3, snapshot.Pending);
        Assert.Equal(2, snapshot.DeadLetters);
        Assert.NotNull(snapshot.OldestPendingAge);
        Assert.True(snapshot.OldestPendingAge >= TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(90.5), snapshot.OldestPendingAge);
    }

    [StorageFact]
    public async Task ARowThatOccurredAfterTheClocksNowHasNoNegativeLag()
    {
        var database = await NewDatabaseAsync();
        await InsertOutboxAsync(database, Now.AddSeconds(3), sentAt: null);
        var statistics = new SqlOutboxStatistics(database, new ManualClock(Now));

        Assert.Equal(new OutboxStatisticsSnapshot(1, TimeSpan.Zero, 0), await statistics.GetAsync(None));
    }

    private static async Task InsertOutboxAsync(SqlDatabase database, DateTimeOffset occurredAt, DateTimeOffset? sentAt)
    {
        await using var transaction = await database.BeginWriteAsync(None);
        await using var command = SqlCommands.Command(transaction.Connection, transaction.Transaction, """
            INSERT INTO outbox (id, event_type, payload, occurred_at, sent_at) VALUES (@id, 'test', '{}', @occurred_at, @sent_at)
            """).Bind("@id", Guid.NewGuid()).Bind("@occurred_at", occurredAt).Bind("@sent_at", sentAt);
        await command.ExecuteNonQueryAsync(None);
        await transaction.CommitAsync(None);
    }

    private static async Task InsertDeadLetterAsync(SqlDatabase database, string status, DateTimeOffset? replayedAt)
    {
        await using var transaction = await database.BeginWriteAsync(None);
        await using var command = SqlCommands.Command(transaction.Connection, transaction.Transaction, """
            INSERT INTO dead_letter (id, destination, event_type, payload, occurred_at, status, attempts, created_at, replayed_at)
            VALUES (@id, 'data-platform', 'test', '{}', @now, @status, 5, @now, @replayed_at)
            """).Bind("@id", Guid.NewGuid()).Bind("@now", Now.AddMinutes(-10)).Bind("@status", status)
            .Bind("@replayed_at", replayedAt);
        await command.ExecuteNonQueryAsync(None);
        await transaction.CommitAsync(None);
    }
}

public sealed class OutboxStatisticsRegistrationTests
{
}
