-- Orleans reminders (Microsoft.Orleans.Reminders.AdoNet) on MySQL, written for this project: the same table, hashes and
-- answers as the PostgreSQL script 0005 (see there for the signed hash ring), in plain statements.

CREATE TABLE IF NOT EXISTS orleans_reminders (
    service_id     varchar(150) NOT NULL,
    grain_id       varchar(400) NOT NULL,
    reminder_name  varchar(150) NOT NULL,
    grain_hash     int          NOT NULL,
    start_time     datetime(6)  NOT NULL,
    period_ms      bigint       NOT NULL,
    version        int          NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name),
    KEY ix_orleans_reminders_hash (service_id, grain_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- UpsertReminderRowKey: insert at version 1 or replace the schedule and bump the version. LAST_INSERT_ID(x) keeps x for
-- this session, so the SELECT answers the version this statement wrote, not one a concurrent upsert wrote after it.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, LAST_INSERT_ID(1))
ON DUPLICATE KEY UPDATE
    grain_hash = @GrainHash,
    start_time = @StartTime,
    period_ms = @Period,
    version = LAST_INSERT_ID(version + 1);
SELECT LAST_INSERT_ID() AS Version
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
');

-- ReadRangeRows1Key: hashes in (BeginHash, EndHash], a range that does not wrap.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
');

-- ReadRangeRows2Key: the wrapping range.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
');

-- DeleteReminderRowKey: delete only at the given version; one column, true when a row went.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
DELETE FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version;
SELECT ROW_COUNT() > 0 AS Removed
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
');
