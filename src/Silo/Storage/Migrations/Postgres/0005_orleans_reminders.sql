-- Orleans reminders (Microsoft.Orleans.Reminders.AdoNet), written for this project; the queries go into OrleansQuery
-- (created by 0004). Parameters the provider binds: ServiceId, GrainId (GrainId.ToString()), GrainHash, ReminderName,
-- StartTime (UTC), Period (milliseconds, int or bigint), Version (the ETag), BeginHash, EndHash. It reads the columns
-- GrainId, ReminderName, StartTime, Period, Version by name.
--
-- Hashes: the provider binds the grain's uniform hash (an unsigned 32-bit number) cast to a signed int, so grain_hash
-- holds that signed value and every comparison is signed. Casting rotates the unsigned ring but keeps its order, so a
-- ring range (begin, end] stays one interval when signed begin < signed end, and otherwise wraps; the provider makes
-- exactly that choice with signed values between ReadRangeRows1Key and ReadRangeRows2Key (begin = end: the whole ring).

CREATE TABLE orleans_reminders (
    service_id     text        NOT NULL,
    grain_id       text        NOT NULL,
    reminder_name  text        NOT NULL,
    grain_hash     integer     NOT NULL,
    start_time     timestamptz NOT NULL,
    period_ms      bigint      NOT NULL,
    version        integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- The reminder service of each silo reads the rows of its hash ranges.
CREATE INDEX ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);

-- UpsertReminderRowKey: insert at version 1 or replace the schedule and bump the version; returns the new Version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', $query$
INSERT INTO orleans_reminders AS r
    (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
    SET grain_hash = excluded.grain_hash,
        start_time = excluded.start_time,
        period_ms = excluded.period_ms,
        version = r.version + 1
RETURNING r.version AS "Version"
$query$);

-- ReadReminderRowKey: one reminder of a grain, or no row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$query$);

-- ReadReminderRowsKey: all reminders of a grain.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$query$);

-- ReadRangeRows1Key: hashes in (BeginHash, EndHash], a range that does not wrap (signed BeginHash < EndHash).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$query$);

-- ReadRangeRows2Key: the wrapping range, hashes above BeginHash or up to EndHash (signed BeginHash >= EndHash).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', $query$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$query$);

-- DeleteReminderRowKey: delete only at the given version; one boolean column, true when a row went.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', $query$
WITH removed AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Removed"
$query$);

-- DeleteReminderRowsKey: every reminder of the service (used by tests and tooling).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', $query$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$query$);
