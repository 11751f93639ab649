-- Commerce tables shaped after the seed ERD (SQLite: timestamps as ISO-8601 TEXT, ids and money as INTEGER).
-- Money is whole KRW. A grain's root row carries its state version; child rows (history, reservations, user coupons,
-- details, payments, outbox) are written in the same transaction as their root.

CREATE TABLE id_sequence (
    name            TEXT   NOT NULL PRIMARY KEY,
    reserved_up_to  INTEGER NOT NULL,
    version         INTEGER NOT NULL
);

CREATE TABLE user_point (
    id          INTEGER      NOT NULL PRIMARY KEY,
    balance     INTEGER      NOT NULL CHECK (balance >= 0),
    created_at  TEXT        NOT NULL,
    updated_at  TEXT        NOT NULL
);

CREATE TABLE users (
    id            INTEGER      NOT NULL PRIMARY KEY,
    username      TEXT        NOT NULL,
    email         TEXT        NOT NULL,
    phone_number  TEXT        NULL,
    point_id      INTEGER      NOT NULL REFERENCES user_point (id),
    created_at    TEXT        NOT NULL,
    updated_at    TEXT        NOT NULL,
    version       INTEGER      NOT NULL
);

-- Emails are stored normalized; this is the durable uniqueness the email grain is rebuilt from.
CREATE UNIQUE INDEX ux_users_email ON users (email);

CREATE TABLE user_point_history (
    id                INTEGER     PRIMARY KEY AUTOINCREMENT,
    user_point_id     INTEGER      NOT NULL REFERENCES user_point (id),
    transaction_type  TEXT        NOT NULL,
    amount            INTEGER      NOT NULL,
    balance_after     INTEGER      NOT NULL,
    order_id          INTEGER      NULL,
    request_id        TEXT        NULL,
    description       TEXT        NOT NULL,
    created_at        TEXT        NOT NULL,
    updated_at        TEXT        NOT NULL
);

CREATE INDEX ix_user_point_history_user_point_id ON user_point_history (user_point_id, id);
-- Backstops for the wallet's idempotency: one debit and one refund per order, one charge per request id.
CREATE UNIQUE INDEX ux_user_point_history_order ON user_point_history (user_point_id, order_id, transaction_type)
    WHERE order_id IS NOT NULL;
CREATE UNIQUE INDEX ux_user_point_history_request ON user_point_history (user_point_id, request_id)
    WHERE request_id IS NOT NULL;

CREATE TABLE product (
    id              INTEGER      NOT NULL PRIMARY KEY,
    name            TEXT        NOT NULL,
    price           INTEGER      NOT NULL CHECK (price >= 0),
    stock_quantity  INTEGER     NOT NULL CHECK (stock_quantity >= 0),
    created_at      TEXT        NOT NULL,
    updated_at      TEXT        NOT NULL,
    version         INTEGER      NOT NULL
);

CREATE INDEX ix_product_price ON product (price);

-- One order's hold on a product: RESERVED (units out of stock_quantity), then CONFIRMED or RELEASED.
CREATE TABLE stock_reservation (
    product_id  INTEGER      NOT NULL REFERENCES product (id),
    order_id    INTEGER      NOT NULL,
    quantity    INTEGER     NOT NULL,
    status      TEXT        NOT NULL,
    created_at  TEXT        NOT NULL,
    updated_at  TEXT        NOT NULL,
    PRIMARY KEY (product_id, order_id)
);

CREATE INDEX ix_stock_reservation_open ON stock_reservation (product_id) WHERE status = 'RESERVED';

CREATE TABLE coupon (
    id               INTEGER      NOT NULL PRIMARY KEY,
    name             TEXT        NOT NULL,
    discount_amount  INTEGER      NOT NULL,
    total_quantity   INTEGER     NOT NULL,
    issued_quantity  INTEGER     NOT NULL CHECK (issued_quantity <= total_quantity),
    end_date         TEXT        NOT NULL,
    created_at       TEXT        NOT NULL,
    updated_at       TEXT        NOT NULL,
    version          INTEGER      NOT NULL
);

CREATE TABLE user_coupon (
    id          INTEGER     PRIMARY KEY AUTOINCREMENT,
    coupon_id   INTEGER      NOT NULL REFERENCES coupon (id),
    user_id     INTEGER      NOT NULL REFERENCES users (id),
    status      TEXT        NOT NULL,
    order_id    INTEGER      NULL,
    issued_at   TEXT        NOT NULL,
    used_at     TEXT        NULL,
    created_at  TEXT        NOT NULL,
    updated_at  TEXT        NOT NULL,
    UNIQUE (coupon_id, user_id)
);

CREATE INDEX ix_user_coupon_user_id ON user_coupon (user_id);

CREATE TABLE orders (
    id                     INTEGER      NOT NULL PRIMARY KEY,
    user_id                INTEGER      NOT NULL REFERENCES users (id),
    status                 TEXT        NOT NULL,
    total_price            INTEGER      NOT NULL,
    discount_amount        INTEGER      NOT NULL,
    pay_amount             INTEGER      NOT NULL,
    coupon_id              INTEGER      NULL REFERENCES coupon (id),
    expires_at             TEXT        NOT NULL,
    paid_at                TEXT        NULL,
    closed_at              TEXT        NULL,
    balance_after_payment  INTEGER      NULL,
    created_at             TEXT        NOT NULL,
    updated_at             TEXT        NOT NULL,
    version                INTEGER      NOT NULL
);

CREATE INDEX ix_orders_user_id ON orders (user_id, id);

CREATE TABLE order_detail (
    id            INTEGER     PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER      NOT NULL REFERENCES orders (id),
    product_id    INTEGER      NOT NULL REFERENCES product (id),
    product_name  TEXT        NOT NULL,
    quantity      INTEGER     NOT NULL,
    unit_price    INTEGER      NOT NULL,
    total_price   INTEGER      NOT NULL,
    created_at    TEXT        NOT NULL,
    updated_at    TEXT        NOT NULL,
    UNIQUE (order_id, product_id)
);

CREATE TABLE payment (
    id              INTEGER     PRIMARY KEY AUTOINCREMENT,
    order_id        INTEGER      NOT NULL REFERENCES orders (id),
    amount          INTEGER      NOT NULL,
    payment_status  TEXT        NOT NULL,
    failure_reason  TEXT        NULL,
    created_at      TEXT        NOT NULL,
    updated_at      TEXT        NOT NULL
);

CREATE INDEX ix_payment_order_id ON payment (order_id);

CREATE TABLE outbox (
    id           TEXT        NOT NULL PRIMARY KEY,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    occurred_at  TEXT        NOT NULL,
    sent_at      TEXT        NULL,
    attempts     INTEGER     NOT NULL DEFAULT 0
);

CREATE INDEX ix_outbox_unsent ON outbox (occurred_at) WHERE sent_at IS NULL;
