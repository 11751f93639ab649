using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace ECommerce.Silo.Tests.Storage;

/// <summary>The MySQL stream queue's calls that write in a transaction (0012), run by their query keys as the provider
/// runs them: an error part-way, here a lock wait timeout the test provokes, undoes the whole call and leaves no message
/// row locked behind the caller's connection. Each test locks, in another transaction, a row the call needs after it has
/// locked a message, makes the caller wait at most 1 s for a lock, and then asks for that message's row with NOWAIT.</summary>
[RequiresMySql]
public sealed class MySqlStreamQueueTests(MySqlStorageFixture fixture) : IClassFixture<MySqlStorageFixture>
{
    private const int MaxAttempts = 3;

    [StorageFact]
    public async Task AFailedDeliveryThatCannotBeMovedToTheDeadLettersLeavesItsMessageUnlocked()
    {
        var queue = NewQueue();
        var spent = await EnqueueAsync(queue, MaxAttempts);

        await AssertAnErrorUndoesAllAsync(queue, spent, $"orleans_stream_dead_letters WHERE message_id = {spent}",
            "FailStreamMessageKey", ("@MessageId", spent), ("@MaxAttempts", MaxAttempts), ("@RemovalTimeout", 60));
    }

    [StorageFact]
    public async Task AnEvictionThatCannotMoveItsMessagesToTheDeadLettersLeavesThemUnlocked()
    {
        var queue = NewQueue();
        var spent = await EnqueueAsync(queue, MaxAttempts);

        await AssertAnErrorUndoesAllAsync(queue, spent, $"orleans_stream_dead_letters WHERE message_id = {spent}",
            "EvictStreamMessagesKey", ("@MaxCount", 10), ("@MaxAttempts", MaxAttempts), ("@RemovalTimeout", 60));
    }

    [StorageFact]
    public async Task ADequeueWhoseDueEvictionFailsLeavesTheSpentMessageUnlocked()
    {
        var queue = NewQueue();
        var spent = await EnqueueAsync(queue, MaxAttempts);

        // The queue has never been evicted, so this dequeue evicts first (0009's orleans_stream_dequeue).
        await AssertAnErrorUndoesAllAsync(queue, spent, $"orleans_stream_dead_letters WHERE message_id = {spent}",
            "GetStreamMessagesKey", ("@MaxCount", 10), ("@MaxAttempts", MaxAttempts), ("@VisibilityTimeout", 30),
            ("@RemovalTimeout", 60), ("@EvictionInterval", 60), ("@EvictionBatchSize", 10));
    }

    [StorageFact]
    public async Task AConfirmationThatWaitsOnItsSecondMessageLeavesTheFirstUnlocked()
    {
        var queue = NewQueue();
        var first = await EnqueueAsync(queue, 1);
        var second = await EnqueueAsync(queue, 1);

        await AssertAnErrorUndoesAllAsync(queue, first, $"orleans_stream_messages WHERE message_id = {second}",
            "ConfirmStreamMessagesKey", ("@Items", $"{first}:1|{second}:1"));
    }

    private static string NewQueue() => "queue-" + Guid.NewGuid().ToString("N")[..12];

    private async Task AssertAnErrorUndoesAllAsync(string queue, long message, string blocked, string key,
        params (string Name, object Value)[] parameters)
    {
        var before = await SnapshotAsync(queue);
        await using var blocker = await OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        // A locking read: the row if it exists, else (REPEATABLE READ) the gap where it would be inserted.
        await ExecuteAsync(blocker, hold, $"SELECT COUNT(*) FROM {blocked} FOR UPDATE");

        await using var caller = await OpenAsync();
        await ExecuteAsync(caller, null, "SET SESSION innodb_lock_wait_timeout = 1");
        await using var call = new MySqlCommand(await QueryTextAsync(key), caller);
        call.Parameters.AddWithValue("@ServiceId", "svc");
        call.Parameters.AddWithValue("@ProviderId", "provider");
        call.Parameters.AddWithValue("@QueueId", queue);
        foreach (var (name, value) in parameters)
        {
            call.Parameters.AddWithValue(name, value);
        }

        var refused = await Assert.ThrowsAsync<MySqlException>(() => call.ExecuteNonQueryAsync());
        Assert.Equal(MySqlErrorCode.LockWaitTimeout, refused.ErrorCode);

        // The caller's connection stays open, as a pooled one would: nothing it did may still hold the message.
        await using (var probe = await OpenAsync())
        await using (var check = await probe.BeginTransactionAsync())
        {
            await ExecuteAsync(probe, check, $"SELECT COUNT(*) FROM orleans_stream_messages WHERE message_id = {message} FOR UPDATE NOWAIT");
            await check.RollbackAsync();
        }

        await hold.RollbackAsync();
        Assert.Equal(before, await SnapshotAsync(queue));
    }

    private async Task<string> QueryTextAsync(string key)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("@key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> EnqueueAsync(string queue, int dequeued)
    {
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, null, $"""
            INSERT INTO orleans_stream_messages
                (service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
            VALUES ('svc', 'provider', '{queue}', {dequeued}, UTC_TIMESTAMP(6) - INTERVAL 1 SECOND,
                    UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 0x01)
            """);
        await using var command = new MySqlCommand("SELECT LAST_INSERT_ID()", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The queue's messages (id, dequeued, visible) and dead letters, as text.</summary>
    private async Task<string> SnapshotAsync(string queue)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand($"""
            SELECT CONCAT('m', message_id, ':', dequeued, ':', visible_on) FROM orleans_stream_messages WHERE queue_id = '{queue}'
            UNION ALL
            SELECT CONCAT('d', message_id) FROM orleans_stream_dead_letters WHERE queue_id = '{queue}'
            ORDER BY 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join(", ", rows);
    }

    private async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(fixture.Configuration.GetConnectionString("MySql"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, MySqlTransaction? transaction, string sql)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}
