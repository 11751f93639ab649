using Npgsql;

namespace ECommerce.Bench.Baseline;

/// <summary>The seeds' relational model, created in the baseline's own (search path) schema.</summary>
internal static class BaselineSchema
{
    private const string Sql = """
        CREATE TABLE IF NOT EXISTS users (
            id       bigserial PRIMARY KEY,
            name     text   NOT NULL,
            email    text   NOT NULL UNIQUE,
            balance  bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS balance_history (
            id             bigserial PRIMARY KEY,
            user_id        bigint      NOT NULL REFERENCES users (id),
            type           text        NOT NULL,
            amount         bigint      NOT NULL,
            balance_after  bigint      NOT NULL,
            order_id       bigint,
            created_at     timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS products (
            id     bigserial PRIMARY KEY,
            name   text   NOT NULL,
            price  bigint NOT NULL,
            stock  int    NOT NULL CHECK (stock >= 0)
        );
        CREATE TABLE IF NOT EXISTS coupons (
            id               bigserial PRIMARY KEY,
            name             text        NOT NULL,
            discount_amount  bigint      NOT NULL,
            total_quantity   int         NOT NULL,
            issued_quantity  int         NOT NULL DEFAULT 0,
            expires_at       timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS user_coupons (
            coupon_id  bigint      NOT NULL REFERENCES coupons (id),
            user_id    bigint      NOT NULL REFERENCES users (id),
            status     text        NOT NULL,
            order_id   bigint,
            issued_at  timestamptz NOT NULL DEFAULT now(),
            used_at    timestamptz,
            PRIMARY KEY (coupon_id, user_id)
        );
        CREATE TABLE IF NOT EXISTS orders (
            id               bigserial PRIMARY KEY,
            user_id          bigint      NOT NULL REFERENCES users (id),
            status           text        NOT NULL,
            total_price      bigint      NOT NULL,
            discount_amount  bigint      NOT NULL,
            pay_amount       bigint      NOT NULL,
            coupon_id        bigint,
            created_at       timestamptz NOT NULL DEFAULT now(),
            paid_at          timestamptz
        );
        CREATE TABLE IF NOT EXISTS order_items (
            order_id    bigint NOT NULL REFERENCES orders (id),
            product_id  bigint NOT NULL REFERENCES products (id),
            quantity    int    NOT NULL,
            unit_price  bigint NOT NULL,
            PRIMARY KEY (order_id, product_id)
        );
        CREATE TABLE IF NOT EXISTS payments (
            id              bigserial PRIMARY KEY,
            order_id        bigint      NOT NULL REFERENCES orders (id),
            user_id         bigint      NOT NULL,
            amount          bigint      NOT NULL,
            status          text        NOT NULL,
            failure_reason  text,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        """;

    public static async Task CreateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
