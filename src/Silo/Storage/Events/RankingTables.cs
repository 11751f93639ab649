using System.Collections.Immutable;
using System.Data.Common;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage.Commerce;

namespace ECommerce.Silo.Storage.Events;

/// <summary><see cref="ProductRankingState"/> rebuilt from daily_product_sales (names from product) and ranking_event;
/// product_ranking holds only the version. The rows themselves are written by the two record writers below.</summary>
internal sealed class ProductRankingTable(TimeProvider clock) : IStateTable<ProductRankingState>
{
    // Two days more than the longest window, so every business-day zone's window is covered whatever the UTC date.
    private static readonly int LoadedDays = IProductRankingGrain.MaxDays + 2;

    public async Task<StoredState<ProductRankingState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        long version;
        await using (var command = CommerceSql.Command(connection, null, "SELECT version FROM product_ranking WHERE id = @id")
            .Bind("@id", grainId.GetIntegerKey()))
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is not { } stored || stored is DBNull)
            {
                return null;
            }

            version = Convert.ToInt64(stored, System.Globalization.CultureInfo.InvariantCulture);
        }

        var from = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-LoadedDays);
        var sales = new Dictionary<DateOnly, ImmutableDictionary<long, long>.Builder>();
        var names = ImmutableDictionary.CreateBuilder<long, string>();
        await using (var command = CommerceSql.Command(connection, null, """
            SELECT s.sold_date, s.product_id, s.quantity, p.name
            FROM daily_product_sales s LEFT JOIN product p ON p.id = s.product_id
            WHERE s.sold_date >= @from
            """).Bind("@from", from))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var day = reader.GetFieldValue<DateOnly>(0);
                if (!sales.TryGetValue(day, out var products))
                {
                    sales[day] = products = ImmutableDictionary.CreateBuilder<long, long>();
                }

                var productId = reader.GetInt64(1);
                products[productId] = reader.GetInt64(2);
                names[productId] = reader.GetNullableString(3) ?? "";
            }
        }

        var counted = ImmutableDictionary.CreateBuilder<Guid, DateOnly>();
        await using (var command = CommerceSql.Command(connection, null,
            "SELECT event_id, sold_date FROM ranking_event WHERE sold_date >= @from").Bind("@from", from))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counted[reader.GetGuid(0)] = reader.GetFieldValue<DateOnly>(1);
            }
        }

        return new StoredState<ProductRankingState>(new ProductRankingState
        {
            SalesByDay = sales.ToImmutableDictionary(day => day.Key, day => day.Value.ToImmutable()),
            Names = names.ToImmutable(),
            CountedEvents = counted.ToImmutable(),
            KeptFrom = from,
        }, version);
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        ProductRankingState state, long expectedVersion, CancellationToken cancellationToken) =>
        CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO product_ranking (id, version, updated_at) VALUES (@id, @version + 1, @updated_at)
            ON CONFLICT (id) DO NOTHING
            """,
            "UPDATE product_ranking SET version = @version + 1, updated_at = @updated_at WHERE id = @id AND version = @version",
            command => command.Bind("@id", grainId.GetIntegerKey()).Bind("@updated_at", clock.GetUtcNow()),
            cancellationToken);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<ProductRankingState>();
}

internal sealed class ProductSaleCountedWriter : IRecordWriter<ProductSaleCounted>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        ProductSaleCounted record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO daily_product_sales (sold_date, product_id, quantity) VALUES (@sold_date, @product_id, @quantity)
            ON CONFLICT (sold_date, product_id) DO UPDATE SET quantity = daily_product_sales.quantity + excluded.quantity
            """)
            .Bind("@sold_date", record.SoldDate).Bind("@product_id", record.ProductId).Bind("@quantity", record.Quantity);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>No ON CONFLICT: an event counted twice (two nodes racing) fails the whole write, counts included.</summary>
internal sealed class RankingEventCountedWriter : IRecordWriter<RankingEventCounted>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        RankingEventCounted record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO ranking_event (event_id, sold_date, counted_at) VALUES (@event_id, @sold_date, @counted_at)
            """)
            .Bind("@event_id", record.EventId).Bind("@sold_date", record.SoldDate).Bind("@counted_at", record.CountedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
