using System.Collections.Immutable;
using System.Data.Common;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage.Commerce;

/// <summary><see cref="OrderState"/> over orders and order_detail (the lines, written once with the new order);
/// payment rows are appended by <see cref="PaymentRecordWriter"/>.</summary>
internal sealed class OrderTable(TimeProvider clock) : IStateTable<OrderState>
{
    public async Task<StoredState<OrderState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        var orderId = grainId.GetIntegerKey();
        OrderState order;
        long version;
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT user_id, status, total_price, discount_amount, coupon_id, created_at, expires_at, paid_at,
                closed_at, balance_after_payment, version
            FROM orders WHERE id = @id
            """).Bind("@id", orderId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            order = new OrderState
            {
                UserId = reader.GetInt64(0), Status = reader.GetWire<OrderStatus>(1), TotalPrice = reader.GetInt64(2),
                DiscountAmount = reader.GetInt64(3), CouponId = reader.GetNullableInt64(4),
                CreatedAt = reader.GetTimestamp(5), ExpiresAt = reader.GetTimestamp(6),
                PaidAt = reader.GetNullableTimestamp(7), ClosedAt = reader.GetNullableTimestamp(8),
                BalanceAfterPayment = reader.GetNullableInt64(9),
            };
            version = reader.GetInt64(10);
        }

        var lines = ImmutableList.CreateBuilder<OrderLine>();
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT product_id, product_name, quantity, unit_price, total_price
            FROM order_detail WHERE order_id = @id ORDER BY id
            """).Bind("@id", orderId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new OrderLine(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2),
                    reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        return new StoredState<OrderState>(order with { Lines = lines.ToImmutable() }, version);
    }

    public async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        OrderState state, long expectedVersion, CancellationToken cancellationToken)
    {
        var orderId = grainId.GetIntegerKey();
        var now = clock.GetUtcNow();
        var written = await CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO orders (id, user_id, status, total_price, discount_amount, pay_amount, coupon_id, expires_at,
                paid_at, closed_at, balance_after_payment, created_at, updated_at, version)
            VALUES (@id, @user_id, @status, @total_price, @discount_amount, @pay_amount, @coupon_id, @expires_at,
                @paid_at, @closed_at, @balance_after_payment, @created_at, @updated_at, @version + 1)
            ON CONFLICT (id) DO NOTHING
            """,
            """
            UPDATE orders SET status = @status, paid_at = @paid_at, closed_at = @closed_at,
                balance_after_payment = @balance_after_payment, updated_at = @updated_at, version = @version + 1
            WHERE id = @id AND version = @version
            """,
            command => command.Bind("@id", orderId).Bind("@user_id", state.UserId).BindWire("@status", state.Status)
                .Bind("@total_price", state.TotalPrice).Bind("@discount_amount", state.DiscountAmount)
                .Bind("@pay_amount", state.PayAmount).Bind("@coupon_id", state.CouponId)
                .Bind("@expires_at", state.ExpiresAt).Bind("@paid_at", state.PaidAt)
                .Bind("@closed_at", state.ClosedAt).Bind("@balance_after_payment", state.BalanceAfterPayment)
                .Bind("@created_at", state.CreatedAt).Bind("@updated_at", now),
            cancellationToken);
        if (!written || expectedVersion != 0)
        {
            return written;
        }

        // Lines never change after creation, so they are written with the new order only.
        foreach (var line in state.Lines)
        {
            await using var detail = CommerceSql.Command(connection, transaction, """
                INSERT INTO order_detail (order_id, product_id, product_name, quantity, unit_price, total_price,
                    created_at, updated_at)
                VALUES (@order_id, @product_id, @name, @quantity, @unit_price, @total_price, @created_at, @created_at)
                """)
                .Bind("@order_id", orderId).Bind("@product_id", line.ProductId).Bind("@name", line.Name)
                .Bind("@quantity", line.Quantity).Bind("@unit_price", line.UnitPrice)
                .Bind("@total_price", line.LineTotal).Bind("@created_at", state.CreatedAt);
            await detail.ExecuteNonQueryAsync(cancellationToken);
        }

        return true;
    }

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<OrderState>();
}

internal sealed class PaymentRecordWriter : IRecordWriter<PaymentRecord>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        PaymentRecord record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO payment (order_id, amount, payment_status, failure_reason, created_at, updated_at)
            VALUES (@order_id, @amount, @status, @failure_reason, @created_at, @created_at)
            """)
            .Bind("@order_id", record.OrderId).Bind("@amount", record.Amount).BindWire("@status", record.Status)
            .Bind("@failure_reason", record.FailureReason).Bind("@created_at", record.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Stores an <see cref="OutboxEvent"/> unsent (sent_at NULL, attempts 0) for the relay.</summary>
internal sealed class OutboxEventWriter : IRecordWriter<OutboxEvent>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        OutboxEvent record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO outbox (id, event_type, payload, occurred_at, sent_at, attempts)
            VALUES (@id, @event_type, @payload, @occurred_at, NULL, 0)
            """)
            .Bind("@id", record.EventId).Bind("@event_type", record.EventType).Bind("@payload", record.Payload)
            .Bind("@occurred_at", record.OccurredAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary><see cref="IdAllocatorState"/>: one row per sequence holding its durable high mark.</summary>
internal sealed class IdSequenceTable : IStateTable<IdAllocatorState>
{
    public async Task<StoredState<IdAllocatorState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, null,
            "SELECT reserved_up_to, version FROM id_sequence WHERE name = @name").Bind("@name", grainId.Key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredState<IdAllocatorState>(new IdAllocatorState { ReservedUpTo = reader.GetInt64(0) },
                reader.GetInt64(1))
            : null;
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        IdAllocatorState state, long expectedVersion, CancellationToken cancellationToken) =>
        CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO id_sequence (name, reserved_up_to, version) VALUES (@name, @reserved_up_to, @version + 1)
            ON CONFLICT (name) DO NOTHING
            """,
            """
            UPDATE id_sequence SET reserved_up_to = @reserved_up_to, version = @version + 1
            WHERE name = @name AND version = @version
            """,
            command => command.Bind("@name", grainId.Key).Bind("@reserved_up_to", state.ReservedUpTo),
            cancellationToken);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<IdAllocatorState>();
}
