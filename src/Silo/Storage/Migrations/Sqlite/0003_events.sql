-- Events: the ranking's daily sales and counted events, stream consumer offsets, data platform deliveries and
-- dead letters (SQLite: dates as 'yyyy-MM-dd' TEXT, timestamps as ISO-8601 TEXT, due times in epoch milliseconds).

CREATE TABLE product_ranking (
    id          INTEGER NOT NULL PRIMARY KEY,
    version     INTEGER NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- One row per business day and product; the ranking reads a range of days (seed 004: date first, then quantity).
CREATE TABLE daily_product_sales (
    sold_date   TEXT    NOT NULL,
    product_id  INTEGER NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (sold_date, product_id)
);

CREATE INDEX ix_daily_product_sales_sold_date_quantity ON daily_product_sales (sold_date, quantity DESC, product_id);

CREATE TABLE ranking_event (
    event_id    TEXT NOT NULL PRIMARY KEY,
    sold_date   TEXT NOT NULL,
    counted_at  TEXT NOT NULL
);

CREATE INDEX ix_ranking_event_sold_date ON ranking_event (sold_date);

CREATE TABLE stream_offset (
    stream       TEXT    NOT NULL,
    consumer     TEXT    NOT NULL,
    next_offset  INTEGER NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (stream, consumer)
);

CREATE TABLE data_platform_delivery (
    event_id         TEXT    NOT NULL PRIMARY KEY,
    event_type       TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    occurred_at      TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT    NULL,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT    NULL
);

CREATE INDEX ix_data_platform_delivery_due ON data_platform_delivery (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE dead_letter (
    id           TEXT    NOT NULL PRIMARY KEY,
    destination  TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   TEXT    NULL,
    created_at   TEXT    NOT NULL,
    replayed_at  TEXT    NULL
);

CREATE INDEX ix_dead_letter_created_at ON dead_letter (created_at);
