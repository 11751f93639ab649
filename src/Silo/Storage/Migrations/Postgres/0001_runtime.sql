-- Generic JSON state for grain types without a mapped table, and durable reminders (times in epoch milliseconds).
CREATE TABLE grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    payload     jsonb       NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE reminders (
    grain_type     text   NOT NULL,
    grain_key      text   NOT NULL,
    name           text   NOT NULL,
    first_tick_at  bigint NOT NULL,
    period_ms      bigint NOT NULL,
    next_due_at    bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX ix_reminders_next_due_at ON reminders (next_due_at);
