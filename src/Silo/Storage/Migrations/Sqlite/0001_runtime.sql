-- Generic JSON state for grain types without a mapped table, and durable reminders (times in epoch milliseconds).
CREATE TABLE grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE reminders (
    grain_type     TEXT    NOT NULL,
    grain_key      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    first_tick_at  INTEGER NOT NULL,
    period_ms      INTEGER NOT NULL,
    next_due_at    INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX ix_reminders_next_due_at ON reminders (next_due_at);
