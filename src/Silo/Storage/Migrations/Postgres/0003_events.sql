-- Events: the ranking's daily sales and counted events, stream consumer offsets, data platform deliveries and
-- dead letters (due times in epoch milliseconds).

CREATE TABLE product_ranking (
    id          bigint NOT NULL PRIMARY KEY,
    version     bigint NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- One row per business day and product; the ranking reads a range of days (seed 004: date first, then quantity).
CREATE TABLE daily_product_sales (
    sold_date   date    NOT NULL,
    product_id  bigint NOT NULL,
    quantity    bigint NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (sold_date, product_id)
);

CREATE INDEX ix_daily_product_sales_sold_date_quantity ON daily_product_sales (sold_date, quantity DESC, product_id);

CREATE TABLE ranking_event (
    event_id    uuid NOT NULL PRIMARY KEY,
    sold_date   date NOT NULL,
    counted_at  timestamptz NOT NULL
);

CREATE INDEX ix_ranking_event_sold_date ON ranking_event (sold_date);

CREATE TABLE stream_offset (
    stream       text    NOT NULL,
    consumer     text    NOT NULL,
    next_offset  bigint NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (stream, consumer)
);

CREATE TABLE data_platform_delivery (
    event_id         uuid    NOT NULL PRIMARY KEY,
    event_type       text    NOT NULL,
    payload          text    NOT NULL,
    occurred_at      timestamptz NOT NULL,
    status           text    NOT NULL,
    attempts         bigint NOT NULL,
    next_attempt_at  bigint NOT NULL,
    last_error       text    NULL,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz NULL
);

CREATE INDEX ix_data_platform_delivery_due ON data_platform_delivery (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE dead_letter (
    id           uuid    NOT NULL PRIMARY KEY,
    destination  text    NOT NULL,
    event_type   text    NOT NULL,
    payload      text    NOT NULL,
    occurred_at  timestamptz NOT NULL,
    status       text    NOT NULL,
    attempts     bigint NOT NULL,
    last_error   text    NULL,
    created_at   timestamptz NOT NULL,
    replayed_at  timestamptz NULL
);

CREATE INDEX ix_dead_letter_created_at ON dead_letter (created_at);
