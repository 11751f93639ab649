-- Orleans grain persistence (Microsoft.Orleans.Persistence.AdoNet) on MySQL, written for this project: the same table
-- and the same answers as the PostgreSQL script 0004, in plain statements (no stored procedures, so no DELIMITER).
--
-- The provider sends a query text as one command (MySqlConnector runs several statements in one command) and reads
-- every row of every result set; a changing query must answer exactly one row, NewGrainStateVersion, NULL when the
-- caller's version was not the stored one (the provider turns that into an InconsistentStateException).
--
-- The write tells its three outcomes apart by ROW_COUNT() of INSERT ... ON DUPLICATE KEY UPDATE: 1 inserted, 2 updated,
-- 0 an existing row left as it was (refused). That needs affected rows, not found rows: the silo's MySQL connection
-- string sets UseAffectedRows=true (CommerceStorageSiloBuilderExtensions.MySqlConnectionString).

-- Query texts by key; the provider reads them with SELECT QueryKey, QueryText FROM OrleansQuery (case matters here).
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey   varchar(64) NOT NULL PRIMARY KEY,
    QueryText  text        NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- As in PostgreSQL: the string part of a grain id is stored as '+' + value, or '' when absent. Key lengths keep the
-- primary key under InnoDB's 3072 bytes in utf8mb4.
CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id          varchar(150) NOT NULL,
    grain_type          varchar(250) NOT NULL,
    grain_id_n0         bigint       NOT NULL,
    grain_id_n1         bigint       NOT NULL,
    grain_id_extension  varchar(300) NOT NULL,
    payload             longblob     NULL,
    version             int          NOT NULL,
    modified_at         datetime(6)  NOT NULL,
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- ReadFromStorageKey: PayloadBinary (NULL when cleared) and Version; no row when never written.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(CONCAT(''+'', @GrainIdExtensionString), '''')
');

-- WriteToStorageKey: a candidate row only with no GrainStateVersion (a first write) or when the row is at that version;
-- on the existing row every assignment is guarded by the version (evaluated left to right, so version goes last).
-- Concurrent writers of one version serialize on the row lock, and all but the first change nothing.
-- READ COMMITTED first: under MySQL's default REPEATABLE READ the EXISTS read of INSERT ... SELECT takes shared
-- next-key locks, and writes of neighbouring grains then deadlock; read committed, it is a plain consistent read, and
-- the guarded assignments still decide on the latest committed row under its exclusive lock.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO orleans_grain_state
    (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(CONCAT(''+'', @GrainIdExtensionString), ''''),
       @PayloadBinary, 1, UTC_TIMESTAMP(6)
FROM DUAL
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
        SELECT 1 FROM orleans_grain_state c
        WHERE c.service_id = @ServiceId
          AND c.grain_type = @GrainTypeString
          AND c.grain_id_n0 = @GrainIdN0
          AND c.grain_id_n1 = @GrainIdN1
          AND c.grain_id_extension = COALESCE(CONCAT(''+'', @GrainIdExtensionString), '''')
          AND c.version = @GrainStateVersion)
ON DUPLICATE KEY UPDATE
    payload = IF(version = @GrainStateVersion, @PayloadBinary, payload),
    modified_at = IF(version = @GrainStateVersion, UTC_TIMESTAMP(6), modified_at),
    version = IF(version = @GrainStateVersion, version + 1, version);
SELECT CASE ROW_COUNT() WHEN 1 THEN 1 WHEN 2 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion
');

-- ClearStorageKey (DeleteStateOnClear = false): keep the row, drop the payload, bump the version.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_at = UTC_TIMESTAMP(6)
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(CONCAT(''+'', @GrainIdExtensionString), '''')
  AND version = @GrainStateVersion;
SELECT IF(ROW_COUNT() = 1, @GrainStateVersion + 1, NULL) AS NewGrainStateVersion
');

-- DeleteStorageKey (DeleteStateOnClear = true): remove the row; version + 1 when it went, NULL when refused.
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = COALESCE(CONCAT(''+'', @GrainIdExtensionString), '''')
  AND version = @GrainStateVersion;
SELECT IF(ROW_COUNT() = 1, @GrainStateVersion + 1, NULL) AS NewGrainStateVersion
');
