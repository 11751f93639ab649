-- Orleans grain persistence (Microsoft.Orleans.Persistence.AdoNet), written for this project. The provider knows
-- SQLite by the invariant System.Data.SQLite and opens Microsoft.Data.Sqlite connections.
--
-- The provider loads its SQL from OrleansQuery by key and binds these parameters: ServiceId, GrainTypeString,
-- GrainTypeHash, GrainIdN0, GrainIdN1, GrainIdExtensionString, GrainIdHash, GrainStateVersion, PayloadBinary.
-- Our queries do not need the two hashes: a row is found by its full key.
--
-- ETags are the integer `version`. Every query that changes state returns exactly one row whose column is the new
-- version, or NULL when the caller's version was not the stored one; the provider turns NULL into an
-- InconsistentStateException. (Returning no row at all would let a write with no ETag over an existing row pass
-- silently, so "no row" is never the answer.)
--
-- SQLite has no data-changing CTEs, so a changing query is two statements in one command: the change, then a SELECT
-- of changes() (rows changed by this connection's last statement). The new version is computed from the version sent
-- rather than read back, so a writer that commits between the two statements cannot leak its version to us.
-- (Quotes inside the query texts are doubled: '' is one quote.)

-- Query texts by key; the name is fixed by the provider. The reminders migration adds its keys here.
CREATE TABLE OrleansQuery (
    QueryKey   TEXT NOT NULL PRIMARY KEY,
    QueryText  TEXT NOT NULL
);

-- One row per (service, grain type, grain id). An Orleans grain id reaches the provider as two 64-bit numbers
-- (integer and GUID keys) and an optional string (a string key, or a key extension). The string is stored as
-- '+' || value, or '' when absent, so that "no extension" and "empty extension" stay two different keys while the
-- column can still be part of the primary key. `payload` is NULL after a clear; the row and its version remain.
CREATE TABLE orleans_grain_state (
    service_id          TEXT    NOT NULL,
    grain_type          TEXT    NOT NULL,
    grain_id_n0         INTEGER NOT NULL,
    grain_id_n1         INTEGER NOT NULL,
    grain_id_extension  TEXT    NOT NULL,
    payload             BLOB    NULL,
    version             INTEGER NOT NULL,
    modified_at         TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

-- ReadFromStorageKey: PayloadBinary (NULL when cleared or never written) and Version; no row when never written.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(''+'' || @GrainIdExtensionString, '''');
');

-- WriteToStorageKey: an optimistic upsert. With no GrainStateVersion only a first insert succeeds (version 1); with one,
-- only the row still at that version is updated (version + 1). The candidate row is produced only in those two cases,
-- and ON CONFLICT turns it into the guarded update. SQLite runs one writer at a time, so the guard is exact.
-- NewGrainStateVersion is NULL for every refusal.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO orleans_grain_state
    (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(''+'' || @GrainIdExtensionString, ''''),
       @PayloadBinary, 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
        SELECT 1 FROM orleans_grain_state
        WHERE service_id = @ServiceId
          AND grain_type = @GrainTypeString
          AND grain_id_n0 = @GrainIdN0
          AND grain_id_n1 = @GrainIdN1
          AND grain_id_extension = COALESCE(''+'' || @GrainIdExtensionString, '''')
          AND version = @GrainStateVersion)
ON CONFLICT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension) DO UPDATE
    SET payload = excluded.payload, version = orleans_grain_state.version + 1, modified_at = CURRENT_TIMESTAMP
    WHERE orleans_grain_state.version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN COALESCE(@GrainStateVersion, 0) + 1 END AS NewGrainStateVersion;
');

-- ClearStorageKey (the provider's default, DeleteStateOnClear = false): keep the row, drop the payload and bump the
-- version, which becomes the grain's new ETag. The provider reads the first column by position.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_at = CURRENT_TIMESTAMP
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(''+'' || @GrainIdExtensionString, '''')
  AND version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
');

-- DeleteStorageKey (DeleteStateOnClear = true): remove the row. The provider only checks that the answer differs from
-- the ETag it sent (then forgets the ETag, so the next write inserts), hence version + 1; NULL when refused.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(''+'' || @GrainIdExtensionString, '''')
  AND version = @GrainStateVersion;
SELECT CASE WHEN changes() = 1 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
');
