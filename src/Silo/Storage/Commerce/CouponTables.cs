using System.Collections.Immutable;
using System.Data.Common;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage.Commerce;

/// <summary><see cref="CouponState"/> over coupon and every user_coupon row of it (at most total_quantity), which
/// <see cref="UserCouponWriter"/> keeps.</summary>
internal sealed class CouponTable(TimeProvider clock) : IStateTable<CouponState>
{
    public async Task<StoredState<CouponState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        var couponId = grainId.GetIntegerKey();
        CouponState coupon;
        long version;
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT name, discount_amount, total_quantity, end_date, created_at, version FROM coupon WHERE id = @id
            """).Bind("@id", couponId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            coupon = new CouponState
            {
                Name = reader.GetString(0), DiscountAmount = reader.GetInt64(1), TotalQuantity = reader.GetInt32(2),
                ExpiresAt = reader.GetTimestamp(3), CreatedAt = reader.GetTimestamp(4),
            };
            version = reader.GetInt64(5);
        }

        var issued = ImmutableDictionary.CreateBuilder<long, UserCoupon>();
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT user_id, status, order_id, issued_at, used_at FROM user_coupon WHERE coupon_id = @id
            """).Bind("@id", couponId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var copy = new UserCoupon(reader.GetInt64(0), reader.GetWire<UserCouponStatus>(1),
                    reader.GetNullableInt64(2), reader.GetTimestamp(3), reader.GetNullableTimestamp(4));
                issued.Add(copy.UserId, copy);
            }
        }

        return new StoredState<CouponState>(coupon with { Issued = issued.ToImmutable() }, version);
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        CouponState state, long expectedVersion, CancellationToken cancellationToken) =>
        CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO coupon (id, name, discount_amount, total_quantity, issued_quantity, end_date, created_at,
                updated_at, version)
            VALUES (@id, @name, @discount, @total, @issued, @end_date, @created_at, @updated_at, @version + 1)
            ON CONFLICT (id) DO NOTHING
            """,
            """
            UPDATE coupon SET issued_quantity = @issued, updated_at = @updated_at, version = @version + 1
            WHERE id = @id AND version = @version
            """,
            command => command.Bind("@id", grainId.GetIntegerKey()).Bind("@name", state.Name)
                .Bind("@discount", state.DiscountAmount).Bind("@total", state.TotalQuantity)
                .Bind("@issued", state.Issued.Count).Bind("@end_date", state.ExpiresAt)
                .Bind("@created_at", state.CreatedAt).Bind("@updated_at", clock.GetUtcNow()),
            cancellationToken);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<CouponState>();
}

/// <summary>Upserts one user's copy of the coupon (unique per coupon and user).</summary>
internal sealed class UserCouponWriter(TimeProvider clock) : IRecordWriter<UserCoupon>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        UserCoupon record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO user_coupon (coupon_id, user_id, status, order_id, issued_at, used_at, created_at, updated_at)
            VALUES (@coupon_id, @user_id, @status, @order_id, @issued_at, @used_at, @issued_at, @updated_at)
            ON CONFLICT (coupon_id, user_id)
            DO UPDATE SET status = excluded.status, order_id = excluded.order_id, used_at = excluded.used_at,
                updated_at = excluded.updated_at
            """)
            .Bind("@coupon_id", grainId.GetIntegerKey()).Bind("@user_id", record.UserId)
            .BindWire("@status", record.Status).Bind("@order_id", record.OrderId)
            .Bind("@issued_at", record.IssuedAt).Bind("@used_at", record.UsedAt)
            .Bind("@updated_at", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
