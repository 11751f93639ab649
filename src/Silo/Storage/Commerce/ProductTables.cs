using System.Collections.Immutable;
using System.Data.Common;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage.Commerce;

/// <summary><see cref="ProductState"/> over product (stock_quantity is what can still be reserved) and the open
/// RESERVED rows of stock_reservation, which <see cref="StockReservationWriter"/> keeps.</summary>
internal sealed class ProductTable(TimeProvider clock) : IStateTable<ProductState>
{
    public async Task<StoredState<ProductState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        var productId = grainId.GetIntegerKey();
        ProductState product;
        long version;
        await using (var command = CommerceSql.Command(connection, null,
            "SELECT name, price, stock_quantity, created_at, version FROM product WHERE id = @id").Bind("@id", productId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            product = new ProductState
            {
                Name = reader.GetString(0), Price = reader.GetInt64(1), Stock = reader.GetInt32(2),
                CreatedAt = reader.GetTimestamp(3),
            };
            version = reader.GetInt64(4);
        }

        var reservations = ImmutableDictionary.CreateBuilder<long, int>();
        await using (var command = CommerceSql.Command(connection, null,
            "SELECT order_id, quantity FROM stock_reservation WHERE product_id = @id AND status = @status")
            .Bind("@id", productId).BindWire("@status", ReservationStatus.Reserved))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reservations.Add(reader.GetInt64(0), reader.GetInt32(1));
            }
        }

        return new StoredState<ProductState>(product with { Reservations = reservations.ToImmutable() }, version);
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        ProductState state, long expectedVersion, CancellationToken cancellationToken) =>
        CommerceSql.WriteVersionedAsync(connection, transaction, expectedVersion,
            """
            INSERT INTO product (id, name, price, stock_quantity, created_at, updated_at, version)
            VALUES (@id, @name, @price, @stock, @created_at, @updated_at, @version + 1)
            ON CONFLICT (id) DO NOTHING
            """,
            """
            UPDATE product SET name = @name, price = @price, stock_quantity = @stock, updated_at = @updated_at,
                version = @version + 1
            WHERE id = @id AND version = @version
            """,
            command => command.Bind("@id", grainId.GetIntegerKey()).Bind("@name", state.Name)
                .Bind("@price", state.Price).Bind("@stock", state.Stock).Bind("@created_at", state.CreatedAt)
                .Bind("@updated_at", clock.GetUtcNow()),
            cancellationToken);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => CommerceSql.ClearNotSupported<ProductState>();
}

/// <summary>Upserts one order's hold on the product; several changes of one hold in a group-commit batch apply in order.</summary>
internal sealed class StockReservationWriter : IRecordWriter<StockReservation>
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        StockReservation record, CancellationToken cancellationToken)
    {
        await using var command = CommerceSql.Command(connection, transaction, """
            INSERT INTO stock_reservation (product_id, order_id, quantity, status, created_at, updated_at)
            VALUES (@product_id, @order_id, @quantity, @status, @changed_at, @changed_at)
            ON CONFLICT (product_id, order_id)
            DO UPDATE SET quantity = excluded.quantity, status = excluded.status, updated_at = excluded.updated_at
            """)
            .Bind("@product_id", grainId.GetIntegerKey()).Bind("@order_id", record.OrderId)
            .Bind("@quantity", record.Quantity).BindWire("@status", record.Status)
            .Bind("@changed_at", record.ChangedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary><see cref="CatalogState"/> derived from the product table; the catalog grain's writes store nothing
/// because every product row is already written by its product grain.</summary>
internal sealed class CatalogTable : IStateTable<CatalogState>
{
    public async Task<StoredState<CatalogState>?> ReadAsync(DbConnection connection, GrainId grainId,
        CancellationToken cancellationToken)
    {
        var items = ImmutableSortedDictionary.CreateBuilder<long, CatalogItem>();
        await using var command = CommerceSql.Command(connection, null, "SELECT id, name, price FROM product");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = new CatalogItem(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2));
            items.Add(item.ProductId, item);
        }

        return new StoredState<CatalogState>(new CatalogState { Items = items.ToImmutable() }, 0);
    }

    public Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        CatalogState state, long expectedVersion, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> ClearAsync(DbConnection connection, DbTransaction transaction, GrainId grainId,
        long expectedVersion, CancellationToken cancellationToken) => Task.FromResult(true);
}
