-- MySQL starts from the schema the other databases reached after 0006: the home-made runtime's and the commerce tables
-- are gone there, so only the tables the product still owns are created (outbox, stream offsets, data platform
-- deliveries and dead letters). Versions keep the other folders' numbers for the same content.
--
-- The runner sends one statement at a time (DDL commits on its own in MySQL): every statement may run again after a
-- failure half-way. Times are datetime(6) in UTC (MySqlConnector writes a DateTimeOffset as UTC), due times in epoch
-- milliseconds, ids as char(36) (MySqlConnector reads that as a Guid). Keys compare byte for byte (utf8mb4_bin).

CREATE TABLE IF NOT EXISTS outbox (
    id           char(36)     NOT NULL PRIMARY KEY,
    event_type   varchar(200) NOT NULL,
    payload      longtext     NOT NULL,
    occurred_at  datetime(6)  NOT NULL,
    sent_at      datetime(6)  NULL,
    attempts     int          NOT NULL DEFAULT 0,
    -- MySQL has no partial index: the relay's "unsent, oldest first" reads this one.
    KEY ix_outbox_unsent (sent_at, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS stream_offset (
    stream       varchar(200) NOT NULL,
    consumer     varchar(200) NOT NULL,
    next_offset  bigint       NOT NULL,
    updated_at   datetime(6)  NOT NULL,
    PRIMARY KEY (stream, consumer)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS data_platform_delivery (
    event_id         char(36)     NOT NULL PRIMARY KEY,
    event_type       varchar(200) NOT NULL,
    payload          longtext     NOT NULL,
    occurred_at      datetime(6)  NOT NULL,
    status           varchar(20)  NOT NULL,
    attempts         bigint       NOT NULL,
    next_attempt_at  bigint       NOT NULL,
    last_error       text         NULL,
    created_at       datetime(6)  NOT NULL,
    delivered_at     datetime(6)  NULL,
    KEY ix_data_platform_delivery_due (status, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS dead_letter (
    id           char(36)     NOT NULL PRIMARY KEY,
    destination  varchar(200) NOT NULL,
    event_type   varchar(200) NOT NULL,
    payload      longtext     NOT NULL,
    occurred_at  datetime(6)  NOT NULL,
    status       varchar(20)  NOT NULL,
    attempts     bigint       NOT NULL,
    last_error   text         NULL,
    created_at   datetime(6)  NOT NULL,
    replayed_at  datetime(6)  NULL,
    KEY ix_dead_letter_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
