using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage.Commerce;

/// <summary><see cref="UserState"/> over users + user_point (written here, user_point.id = users.id) and
/// user_point_history (appended by <see cref="BalanceEntryWriter"/>); coupon ids are read from user_coupon,
/// which the coupon grain owns.</summary>
internal sealed class UserTable(TimeProvider clock) : IStateTable<UserState>
{
    public async Task<StoredState<UserState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        var userId = grainId.GetIntegerKey();
        UserState user;
        long version;
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT u.username, u.email, u.created_at, u.version, p.balance
            FROM users u JOIN user_point p ON p.id = u.point_id
            WHERE u.id = @id
            """).Bind("@id", userId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            user = new UserState
            {
                Name = reader.GetString(0), Email = reader.GetString(1), CreatedAt = reader.GetTimestamp(2),
                Balance = reader.GetInt64(4),
            };
            version = reader.GetInt64(3);
        }

        var history = ImmutableList.CreateBuilder<BalanceEntry>();
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT transaction_type, amount, balance_after, order_id, request_id, created_at
            FROM user_point_history WHERE user_point_id = @id ORDER BY id
            """).Bind("@id", userId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                history.Add(new BalanceEntry(reader.GetWire<BalanceTransactionType>(0), reader.GetInt64(1),
                    reader.GetInt64(2), reader.GetNullableInt64(3), reader.GetNullableString(4),
                    reader.GetTimestamp(5)));
            }
        }

        var couponIds = ImmutableSortedSet.CreateBuilder<long>();
        await using (var command = CommerceSql.Command(connection, null,
            "SELECT coupon_id FROM user_coupon WHERE user_id = @id").Bind("@id", userId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                couponIds.Add(reader.GetInt64(0));
            }
        }

        return new StoredState<UserState>(
            user with { History = history.ToImmutable(), CouponIds = couponIds.ToImmutable() }, version);
    }

    public async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        UserState state, long expectedVersion, CancellationToken cancellationToken)
    {
        var userId = grainId.GetIntegerKey();
        if (expectedVersion == 0)
        {
            // The wallet row first: users.point_id references it.
            await using var point = CommerceSql.Command(connection, transaction, """
                INSERT INTO user_point (id, balance, created_at, updated_at)
                VALUES (@id, @balance, @created_at, @created_at)
                ON CONFLICT (id) DO NOTHING
                """).Bind("@id", userId).Bind("@balance", state.Balance).Bind("@created_at", state.CreatedAt);
            await point.ExecuteNonQueryAsync(cancellationToken);
        }

        var written = await CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO users (id, username, email, point_id, created_at, updated_at, version)
            VALUES (@id, @name, @email, @id, @created_at, @created_at, @version + 1)
            ON CONFLICT (id) DO NOTHING
            """,
            """
            UPDATE users SET username = @name, email = @email, updated_at = @updated_at, version = @version + 1
            WHERE id = @id AND version = @version
            """,
            command => command.Bind("@id", userId).Bind("@name", state.Name).Bind("@email", state.Email)
                .Bind("@created_at", state.CreatedAt).Bind("@updated_at", clock.GetUtcNow()),
            cancellationToken);
        if (!written || expectedVersion == 0)
        {
            return written;
        }

        await using var balance = CommerceSql.Command(connection, transaction,
            "UPDATE user_point SET balance = @balance, updated_at = @updated_at WHERE id = @id")
            .Bind("@id", userId).Bind("@balance", state.Balance).Bind("@updated_at", clock.GetUtcNow());
        return await balance.ExecuteOneRowAsync(cancellationToken);
    }

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<UserState>();
}

internal sealed class BalanceEntryWriter : IRecordWriter<BalanceEntry>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        BalanceEntry record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO user_point_history
                (user_point_id, transaction_type, amount, balance_after, order_id, request_id, description, created_at, updated_at)
            VALUES (@user_id, @type, @amount, @balance_after, @order_id, @request_id, @description, @created_at, @created_at)
            """)
            .Bind("@user_id", grainId.GetIntegerKey()).BindWire("@type", record.Type).Bind("@amount", record.Amount)
            .Bind("@balance_after", record.BalanceAfter).Bind("@order_id", record.OrderId)
            .Bind("@request_id", record.RequestId).Bind("@description", Describe(record))
            .Bind("@created_at", record.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Describe(BalanceEntry record) => record.Type switch
    {
        BalanceTransactionType.Charge => "charge",
        BalanceTransactionType.Use => $"payment of order {record.OrderId}",
        _ => $"refund of order {record.OrderId}",
    };
}

/// <summary><see cref="EmailState"/> derived from users.email (unique): the user row is the durable claim, so the
/// email grain's own writes store nothing and a claim whose user was never stored vanishes on reactivation.</summary>
internal sealed class EmailTable : IStateTable<EmailState>
{
    public async Task<StoredState<EmailState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, null, "SELECT id FROM users WHERE email = @email")
            .Bind("@email", grainId.Key);
        return await command.ExecuteScalarAsync(cancellationToken) is { } id and not DBNull
            ? new StoredState<EmailState>(new EmailState { OwnerUserId = Convert.ToInt64(id, CultureInfo.InvariantCulture) }, 1)
            : null;
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        EmailState state, long expectedVersion, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => Task.FromResult(true);
}
