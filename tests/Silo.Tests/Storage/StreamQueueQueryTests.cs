using System.Data.Common;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

/// <summary>The ADO.NET stream queue's OrleansQuery rows (Postgres/0009), run as the provider runs them: by key, with its
/// parameter names, reading its column names.</summary>
[RequiresPostgres]
public sealed class StreamQueueQueryTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Queue = "queue-0";

    private async Task<SqlDatabase> NewDatabaseAsync()
    {
        var services = fixture.CreateServices(await fixture.CreateDatabaseAsync());
        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(None);
        return services.GetRequiredService<SqlDatabase>();
    }

    private static async Task<List<Dictionary<string, object>>> RunAsync(SqlDatabase database, string key,
        params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(None);
        string text;
        await using (var lookup = SqlCommands.Command(connection, null, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key")
            .Bind("@key", key))
        {
            text = (string)(await lookup.ExecuteScalarAsync(None))!;
        }

        await using var command = SqlCommands.Command(connection, null, text)
            .Bind("@ServiceId", "service").Bind("@ProviderId", "commerce").Bind("@QueueId", Queue);
        foreach (var (name, value) in parameters)
        {
            command.Bind("@" + name, value);
        }

        var rows = new List<Dictionary<string, object>>();
        await using var reader = await command.ExecuteReaderAsync(None);
        do
        {
            while (await reader.ReadAsync(None))
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetValue, StringComparer.OrdinalIgnoreCase));
            }
        }
        while (await reader.NextResultAsync(None));

        return rows;
    }

    private static Task<List<Dictionary<string, object>>> DequeueAsync(SqlDatabase database, int maxAttempts = 5) =>
        RunAsync(database, "GetStreamMessagesKey", ("MaxCount", 10), ("MaxAttempts", maxAttempts), ("VisibilityTimeout", 60),
            ("RemovalTimeout", 3600), ("EvictionInterval", 60), ("EvictionBatchSize", 100));

    private static async Task<long> EnqueueAsync(SqlDatabase database, byte payload) =>
        (long)(await RunAsync(database, "QueueStreamMessageKey", ("Payload", new[] { payload }), ("ExpiryTimeout", 3600)))
            .Single()["MessageId"];

    private static async Task<long> CountAsync(SqlDatabase database, string table)
    {
        await using var connection = await database.OpenConnectionAsync(None);
        await using DbCommand command = SqlCommands.Command(connection, null, $"SELECT COUNT(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync(None))!;
    }

    [StorageFact]
    public async Task ADequeueHidesTheMessageAndReturnsItWithTheTypesTheProviderCasts()
    {
        var database = await NewDatabaseAsync();
        var first = await EnqueueAsync(database, 1);
        var second = await EnqueueAsync(database, 2);

        var dequeued = await DequeueAsync(database);

        Assert.Equal([first, second], dequeued.Select(row => (long)row["MessageId"]));
        Assert.All(dequeued, row =>
        {
            Assert.Equal(1, (int)row["Dequeued"]);
            Assert.IsType<DateTime>(row["VisibleOn"]);
            Assert.IsType<DateTime>(row["ExpiresOn"]);
            Assert.Equal(("service", "commerce", Queue), ((string)row["ServiceId"], (string)row["ProviderId"], (string)row["QueueId"]));
        });
        Assert.Equal([(byte)1], (byte[])dequeued[0]["Payload"]);
        Assert.Empty(await DequeueAsync(database));
    }

    [StorageFact]
    public async Task AConfirmationDeletesOnlyAtTheDequeueCountOfItsReceiptAndANegativeReceiptReleases()
    {
        var database = await NewDatabaseAsync();
        var kept = await EnqueueAsync(database, 1);
        var released = await EnqueueAsync(database, 2);
        await DequeueAsync(database);

        var stale = await RunAsync(database, "ConfirmStreamMessagesKey", ("Items", $"{kept}:7"));
        var done = await RunAsync(database, "ConfirmStreamMessagesKey", ("Items", $"{kept}:1|{released}:-1"));

        Assert.Empty(stale);
        Assert.Equal([kept, released], done.Select(row => (long)row["MessageId"]).Order());
        Assert.Equal([released], (await DequeueAsync(database)).Select(row => (long)row["MessageId"]));
        Assert.Equal(1, await CountAsync(database, "orleans_stream_messages"));
    }

    [StorageFact]
    public async Task AFailedMessageIsVisibleAgainUntilItsAttemptsAreSpentThenADeadLetter()
    {
        var database = await NewDatabaseAsync();
        var message = await EnqueueAsync(database, 1);
        await DequeueAsync(database, maxAttempts: 2);

        await RunAsync(database, "FailStreamMessageKey", ("MessageId", message), ("MaxAttempts", 2), ("RemovalTimeout", 3600));
        var again = await DequeueAsync(database, maxAttempts: 2);
        await RunAsync(database, "FailStreamMessageKey", ("MessageId", message), ("MaxAttempts", 2), ("RemovalTimeout", 3600));

        Assert.Equal(2, (int)again.Single()["Dequeued"]);
        Assert.Equal((0L, 1L), (await CountAsync(database, "orleans_stream_messages"), await CountAsync(database, "orleans_stream_dead_letters")));
    }

    [StorageFact]
    public async Task EvictionMovesSpentMessagesToTheDeadLettersAndRemovesDeadLettersPastTheirTime()
    {
        var database = await NewDatabaseAsync();
        var message = await EnqueueAsync(database, 1);
        await DequeueAsync(database, maxAttempts: 1);
        await RunAsync(database, "ConfirmStreamMessagesKey", ("Items", $"{message}:-1"));

        await RunAsync(database, "EvictStreamMessagesKey", ("MaxCount", 10), ("MaxAttempts", 1), ("RemovalTimeout", 0));
        Assert.Equal((0L, 1L), (await CountAsync(database, "orleans_stream_messages"), await CountAsync(database, "orleans_stream_dead_letters")));

        await RunAsync(database, "EvictStreamDeadLettersKey", ("MaxCount", 10));
        Assert.Equal(0L, await CountAsync(database, "orleans_stream_dead_letters"));
    }
}
