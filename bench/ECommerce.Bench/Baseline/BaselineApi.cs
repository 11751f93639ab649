using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace ECommerce.Bench.Baseline;

internal sealed record NewUser(string Name, string Email);

internal sealed record ChargeRequest(long Amount);

internal sealed record NewProduct(string Name, long Price, int Stock);

internal sealed record NewCoupon(string Name, long DiscountAmount, int TotalQuantity, DateTimeOffset ExpiresAt);

internal sealed record IssueRequest(long UserId);

internal sealed record OrderLine(long ProductId, int Quantity);

internal sealed record NewOrder(long UserId, OrderLine[] Items, long? CouponId);

internal sealed record PayRequest(long UserId);

internal static class BaselineApi
{
    public static void MapBaselineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapPost("/users", CreateUserAsync);
        api.MapGet("/users/{userId:long}", GetUserAsync);
        api.MapGet("/users/{userId:long}/balance", GetBalanceAsync);
        api.MapPost("/users/{userId:long}/balance/charge", ChargeAsync);
        api.MapPost("/products", CreateProductAsync);
        api.MapGet("/products/{productId:long}", GetProductAsync);
        api.MapPost("/coupons", CreateCouponAsync);
        api.MapGet("/coupons/{couponId:long}", GetCouponAsync);
        api.MapPost("/coupons/{couponId:long}/issue", IssueAsync);
        api.MapPost("/orders", CreateOrderAsync);
        api.MapGet("/orders/{orderId:long}", GetOrderAsync);
        api.MapPost("/orders/{orderId:long}/payment", PayAsync);
    }

    private static Task<IResult> CreateUserAsync(NewUser body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        var id = await ScalarAsync<long?>(c, t, "INSERT INTO users (name, email) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id",
            body.Name, body.Email) ?? throw new BaselineProblem(409, "EMAIL_TAKEN");
        return Results.Created($"/api/v1/users/{id}", new { userId = id, name = body.Name, email = body.Email });
    });

    private static Task<IResult> GetUserAsync(long userId, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        await using var reader = await Command(c, t, "SELECT name, email FROM users WHERE id = $1", userId).ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? Results.Ok(new { userId, name = reader.GetString(0), email = reader.GetString(1) })
            : throw new BaselineProblem(404, "USER_NOT_FOUND");
    });

    private static Task<IResult> GetBalanceAsync(long userId, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        var balance = await ScalarAsync<long?>(c, t, "SELECT balance FROM users WHERE id = $1", userId)
            ?? throw new BaselineProblem(404, "USER_NOT_FOUND");
        return Results.Ok(new { userId, balance });
    });

    private static Task<IResult> ChargeAsync(long userId, ChargeRequest body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        if (body.Amount is < 1 or > 10_000_000)
        {
            throw new BaselineProblem(400, "INVALID_AMOUNT");
        }

        var balance = await ScalarAsync<long?>(c, t, "SELECT balance FROM users WHERE id = $1 FOR UPDATE", userId)
            ?? throw new BaselineProblem(404, "USER_NOT_FOUND");
        if (balance + body.Amount > 1_000_000_000)
        {
            throw new BaselineProblem(409, "BALANCE_LIMIT_EXCEEDED");
        }

        await ExecuteAsync(c, t, "UPDATE users SET balance = $2 WHERE id = $1", userId, balance + body.Amount);
        await ExecuteAsync(c, t, "INSERT INTO balance_history (user_id, type, amount, balance_after) VALUES ($1, 'CHARGE', $2, $3)",
            userId, body.Amount, balance + body.Amount);
        return Results.Ok(new { userId, balance = balance + body.Amount });
    });

    private static Task<IResult> CreateProductAsync(NewProduct body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        var id = await ScalarAsync<long>(c, t, "INSERT INTO products (name, price, stock) VALUES ($1, $2, $3) RETURNING id",
            body.Name, body.Price, body.Stock);
        return Results.Created($"/api/v1/products/{id}", new { productId = id, name = body.Name, price = body.Price, stock = body.Stock });
    });

    private static Task<IResult> GetProductAsync(long productId, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        await using var reader = await Command(c, t, "SELECT name, price, stock FROM products WHERE id = $1", productId).ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? Results.Ok(new { productId, name = reader.GetString(0), price = reader.GetInt64(1), stock = reader.GetInt32(2) })
            : throw new BaselineProblem(404, "PRODUCT_NOT_FOUND");
    });

    private static Task<IResult> CreateCouponAsync(NewCoupon body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        var id = await ScalarAsync<long>(c, t,
            "INSERT INTO coupons (name, discount_amount, total_quantity, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
            body.Name, body.DiscountAmount, body.TotalQuantity, body.ExpiresAt.ToUniversalTime());
        return Results.Created($"/api/v1/coupons/{id}", CouponView(id, body.Name, body.DiscountAmount, body.TotalQuantity, 0, body.ExpiresAt));
    });

    private static Task<IResult> GetCouponAsync(long couponId, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        await using var reader = await Command(c, t,
            "SELECT name, discount_amount, total_quantity, issued_quantity, expires_at FROM coupons WHERE id = $1", couponId).ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? Results.Ok(CouponView(couponId, reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4)))
            : throw new BaselineProblem(404, "COUPON_NOT_FOUND");
    });

    private static object CouponView(long id, string name, long discount, int total, int issued, DateTimeOffset expiresAt) =>
        new { couponId = id, name, discountAmount = discount, totalQuantity = total, issuedQuantity = issued, remaining = total - issued, expiresAt };

    /// <summary>Seed 001's issueACoupon: the coupon row locked for the whole transaction.</summary>
    private static Task<IResult> IssueAsync(long couponId, IssueRequest body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        int total, issued;
        DateTimeOffset expiresAt;
        await using (var reader = await Command(c, t,
            "SELECT total_quantity, issued_quantity, expires_at FROM coupons WHERE id = $1 FOR UPDATE", couponId).ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                throw new BaselineProblem(404, "COUPON_NOT_FOUND");
            }

            (total, issued, expiresAt) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        if (await ScalarAsync<long?>(c, t, "SELECT id FROM users WHERE id = $1", body.UserId) is null)
        {
            throw new BaselineProblem(404, "USER_NOT_FOUND");
        }

        if (expiresAt <= DateTimeOffset.UtcNow)
        {
            throw new BaselineProblem(409, "COUPON_EXPIRED");
        }

        if (await ScalarAsync<long?>(c, t, "SELECT user_id FROM user_coupons WHERE coupon_id = $1 AND user_id = $2", couponId, body.UserId) is not null)
        {
            throw new BaselineProblem(409, "COUPON_ALREADY_ISSUED");
        }

        if (issued >= total)
        {
            throw new BaselineProblem(409, "COUPON_SOLD_OUT");
        }

        await ExecuteAsync(c, t, "UPDATE coupons SET issued_quantity = issued_quantity + 1 WHERE id = $1", couponId);
        var issuedAt = await ScalarAsync<DateTimeOffset>(c, t,
            "INSERT INTO user_coupons (coupon_id, user_id, status) VALUES ($1, $2, 'AVAILABLE') RETURNING issued_at", couponId, body.UserId);
        return Results.Created($"/api/v1/users/{body.UserId}/coupons",
            new { couponId, userId = body.UserId, status = "AVAILABLE", issuedAt, expiresAt });
    });

    /// <summary>Stock is taken when the order is created (the project's rule), under row locks taken in product id order.</summary>
    private static Task<IResult> CreateOrderAsync(NewOrder body, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        if (body.Items is not { Length: > 0 and <= 50 } || body.Items.Any(i => i.Quantity is < 1 or > 1_000)
            || body.Items.Select(i => i.ProductId).Distinct().Count() != body.Items.Length)
        {
            throw new BaselineProblem(400, "VALIDATION_FAILED");
        }

        if (await ScalarAsync<long?>(c, t, "SELECT id FROM users WHERE id = $1", body.UserId) is null)
        {
            throw new BaselineProblem(404, "USER_NOT_FOUND");
        }

        var ids = body.Items.Select(i => i.ProductId).Order().ToArray();
        var products = new Dictionary<long, (string Name, long Price, int Stock)>();
        await using (var reader = await Command(c, t,
            "SELECT id, name, price, stock FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids).ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                products[reader.GetInt64(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3));
            }
        }

        if (products.Count != ids.Length)
        {
            throw new BaselineProblem(404, "PRODUCT_NOT_FOUND");
        }

        if (body.Items.Any(i => products[i.ProductId].Stock < i.Quantity))
        {
            throw new BaselineProblem(409, "STOCK_INSUFFICIENT");
        }

        foreach (var item in body.Items)
        {
            await ExecuteAsync(c, t, "UPDATE products SET stock = stock - $2 WHERE id = $1", item.ProductId, item.Quantity);
        }

        var total = body.Items.Sum(i => products[i.ProductId].Price * i.Quantity);
        long discount = 0;
        if (body.CouponId is { } couponId)
        {
            await using var reader = await Command(c, t, """
                SELECT uc.status, co.discount_amount, co.expires_at FROM user_coupons uc JOIN coupons co ON co.id = uc.coupon_id
                WHERE uc.coupon_id = $1 AND uc.user_id = $2 FOR UPDATE OF uc
                """, couponId, body.UserId).ExecuteReaderAsync();
            if (!await reader.ReadAsync() || reader.GetString(0) != "AVAILABLE" || reader.GetFieldValue<DateTimeOffset>(2) <= DateTimeOffset.UtcNow)
            {
                throw new BaselineProblem(409, "COUPON_NOT_USABLE");
            }

            discount = Math.Min(total, reader.GetInt64(1));
        }

        var (orderId, createdAt) = await InsertOrderAsync(c, t, body, total, discount);
        if (body.CouponId is { } reserved)
        {
            await ExecuteAsync(c, t, "UPDATE user_coupons SET status = 'RESERVED', order_id = $3 WHERE coupon_id = $1 AND user_id = $2",
                reserved, body.UserId, orderId);
        }

        foreach (var item in body.Items)
        {
            await ExecuteAsync(c, t, "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ($1, $2, $3, $4)",
                orderId, item.ProductId, item.Quantity, products[item.ProductId].Price);
        }

        return Results.Created($"/api/v1/orders/{orderId}", new
        {
            orderId,
            userId = body.UserId,
            status = "PENDING_PAYMENT",
            items = body.Items.Select(i => new
            {
                productId = i.ProductId,
                name = products[i.ProductId].Name,
                quantity = i.Quantity,
                unitPrice = products[i.ProductId].Price,
                lineTotal = products[i.ProductId].Price * i.Quantity,
            }),
            totalPrice = total,
            discountAmount = discount,
            payAmount = total - discount,
            couponId = body.CouponId,
            createdAt,
        });
    });

    private static async Task<(long Id, DateTimeOffset CreatedAt)> InsertOrderAsync(NpgsqlConnection c, NpgsqlTransaction t, NewOrder body,
        long total, long discount)
    {
        await using var reader = await Command(c, t, """
            INSERT INTO orders (user_id, status, total_price, discount_amount, pay_amount, coupon_id)
            VALUES ($1, 'PENDING_PAYMENT', $2, $3, $4, $5) RETURNING id, created_at
            """, body.UserId, total, discount, total - discount, (object?)body.CouponId ?? DBNull.Value).ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private static Task<IResult> GetOrderAsync(long orderId, NpgsqlDataSource db) => InTransactionAsync(db, async (c, t) =>
    {
        await using var reader = await Command(c, t,
            "SELECT user_id, status, total_price, discount_amount, pay_amount, coupon_id FROM orders WHERE id = $1", orderId).ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? Results.Ok(new
            {
                orderId,
                userId = reader.GetInt64(0),
                status = reader.GetString(1),
                totalPrice = reader.GetInt64(2),
                discountAmount = reader.GetInt64(3),
                payAmount = reader.GetInt64(4),
                couponId = reader.IsDBNull(5) ? (long?)null : reader.GetInt64(5),
            })
            : throw new BaselineProblem(404, "ORDER_NOT_FOUND");
    });

    /// <summary>Seed 001's processOrderPayment: the order and the wallet locked, debited and marked paid in one transaction.</summary>
    private static async Task<IResult> PayAsync(long orderId, PayRequest body, NpgsqlDataSource db)
    {
        var result = await InTransactionAsync(db, async (c, t) =>
        {
            long owner, payAmount;
            string status;
            long? couponId;
            await using (var reader = await Command(c, t,
                "SELECT user_id, status, pay_amount, coupon_id FROM orders WHERE id = $1 FOR UPDATE", orderId).ExecuteReaderAsync())
            {
                if (!await reader.ReadAsync() || reader.GetInt64(0) != body.UserId)
                {
                    throw new BaselineProblem(404, "ORDER_NOT_FOUND");
                }

                (owner, status, payAmount, couponId) =
                    (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
            }

            if (status != "PENDING_PAYMENT")
            {
                throw new BaselineProblem(409, "ORDER_NOT_PAYABLE");
            }

            var balance = await ScalarAsync<long?>(c, t, "SELECT balance FROM users WHERE id = $1 FOR UPDATE", owner)
                ?? throw new BaselineProblem(404, "USER_NOT_FOUND");
            if (balance < payAmount)
            {
                throw new BaselineProblem(409, "BALANCE_INSUFFICIENT");
            }

            await ExecuteAsync(c, t, "UPDATE users SET balance = $2 WHERE id = $1", owner, balance - payAmount);
            await ExecuteAsync(c, t, "INSERT INTO balance_history (user_id, type, amount, balance_after, order_id) VALUES ($1, 'USE', $2, $3, $4)",
                owner, payAmount, balance - payAmount, orderId);
            await ExecuteAsync(c, t, "INSERT INTO payments (order_id, user_id, amount, status) VALUES ($1, $2, $3, 'SUCCESS')",
                orderId, owner, payAmount);
            var paidAt = await ScalarAsync<DateTimeOffset>(c, t,
                "UPDATE orders SET status = 'PAID', paid_at = now() WHERE id = $1 RETURNING paid_at", orderId);
            if (couponId is { } coupon)
            {
                await ExecuteAsync(c, t, "UPDATE user_coupons SET status = 'USED', used_at = now() WHERE coupon_id = $1 AND user_id = $2",
                    coupon, owner);
            }

            return Results.Ok(new { orderId, status = "PAID", paidAmount = payAmount, balance = balance - payAmount, paidAt });
        });

        if (result is IStatusCodeHttpResult { StatusCode: 409 } && await OrderExistsAsync(db, orderId))
        {
            // Every attempt leaves a payment row; the failed one is written after the rollback.
            await using var command = db.CreateCommand("""
                INSERT INTO payments (order_id, user_id, amount, status, failure_reason)
                SELECT id, user_id, pay_amount, 'FAILED', 'REFUSED' FROM orders WHERE id = $1
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = orderId });
            await command.ExecuteNonQueryAsync();
        }

        return result;
    }

    private static async Task<bool> OrderExistsAsync(NpgsqlDataSource db, long orderId)
    {
        await using var command = db.CreateCommand("SELECT 1 FROM orders WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task<IResult> InTransactionAsync(NpgsqlDataSource db, Func<NpgsqlConnection, NpgsqlTransaction, Task<IResult>> work)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            var result = await work(connection, transaction);
            await transaction.CommitAsync();
            return result;
        }
        catch (BaselineProblem problem)
        {
            await transaction.RollbackAsync();
            return problem.ToResult();
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object?[] values)
    {
        await using var command = Command(connection, transaction, sql, values);
        return await command.ExecuteScalarAsync() switch
        {
            null or DBNull => default!,
            DateTime utc when typeof(T) == typeof(DateTimeOffset) => (T)(object)new DateTimeOffset(utc),
            var value => (T)value,
        };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object?[] values)
    {
        await using var command = Command(connection, transaction, sql, values);
        await command.ExecuteNonQueryAsync();
    }
}
