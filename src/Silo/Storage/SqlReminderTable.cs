using System.Data.Common;
using System.Globalization;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

/// <summary>Reminders in the <c>reminders</c> table; times are epoch milliseconds so comparisons agree on both providers.</summary>
internal sealed class SqlReminderTable(SqlDatabase database) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, name, first_tick_at, period_ms, next_due_at";

    public async Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using (var command = transaction.CreateCommand($"""
            INSERT INTO reminders ({Columns})
            VALUES (@grain_type, @grain_key, @name, @first_tick_at, @period_ms, @next_due_at)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
                first_tick_at = excluded.first_tick_at,
                period_ms = excluded.period_ms,
                next_due_at = excluded.next_due_at
            """))
        {
            AddKey(command, entry.GrainId, entry.Name)
                .WithParameter("@first_tick_at", entry.FirstTickAt.ToUnixTimeMilliseconds())
                .WithParameter("@period_ms", (long)entry.Period.TotalMilliseconds)
                .WithParameter("@next_due_at", entry.NextDueAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        await using (var command = transaction.CreateCommand(
            "DELETE FROM reminders WHERE grain_type = @grain_type AND grain_key = @grain_key AND name = @name"))
        {
            AddKey(command, grainId, name);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM reminders
            WHERE next_due_at <= @now
            ORDER BY next_due_at, grain_type, grain_key, name
            LIMIT @max
            """;
        command.WithParameter("@now", now.ToUnixTimeMilliseconds()).WithParameter("@max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return due;
    }

    public async Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(cancellationToken);
        int updated;
        // Compare-and-set: only the caller that still sees the old due time moves it, so a tick fires once.
        await using (var command = transaction.CreateCommand("""
            UPDATE reminders SET next_due_at = @next_due_at
            WHERE grain_type = @grain_type AND grain_key = @grain_key AND name = @name AND next_due_at = @expected_due_at
            """))
        {
            AddKey(command, entry.GrainId, entry.Name)
                .WithParameter("@next_due_at", nextDueAt.ToUnixTimeMilliseconds())
                .WithParameter("@expected_due_at", entry.NextDueAt.ToUnixTimeMilliseconds());
            updated = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated == 1;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM reminders";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static DbCommand AddKey(DbCommand command, GrainId grainId, string name) =>
        command.WithParameter("@grain_type", grainId.Type)
            .WithParameter("@grain_key", grainId.Key)
            .WithParameter("@name", name);
}
