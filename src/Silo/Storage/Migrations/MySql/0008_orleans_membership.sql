-- Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet, Cluster:Provider=AdoNet) on MySQL, written for this
-- project: the same tables and answers as the PostgreSQL script 0008 (see there for the parameters and the version),
-- in plain statements. A change of the table version is a conditional UPDATE, and the member's insert or update that
-- goes with it runs only when that UPDATE changed its row: the next statement reads ROW_COUNT() of the one before.
-- Affected rows, not found rows (UseAffectedRows=true, set by the silo): a row left as it was counts 0.
-- 0011 replaces InsertMembershipKey and UpdateMembershipKey: with autocommit these statements committed one by one,
-- and a silo could read the new version before the member's change (see there).

CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deployment_id  varchar(150) NOT NULL PRIMARY KEY,
    version        int          NOT NULL,
    modified_at    datetime(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- table_version: the version this row was last changed at, so a change always changes the row (see UpdateMembershipKey).
CREATE TABLE IF NOT EXISTS orleans_membership (
    deployment_id    varchar(150) NOT NULL,
    address          varchar(45)  NOT NULL,
    port             int          NOT NULL,
    generation       int          NOT NULL,
    silo_name        varchar(150) NOT NULL,
    host_name        varchar(150) NOT NULL,
    status           int          NOT NULL,
    proxy_port       int          NULL,
    suspect_times    text         NULL,
    start_time       datetime(6)  NOT NULL,
    i_am_alive_time  datetime(6)  NOT NULL,
    table_version    int          NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
INSERT INTO orleans_membership_version (deployment_id, version, modified_at) VALUES (@DeploymentId, 0, UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE deployment_id = deployment_id;
SELECT ROW_COUNT() = 1 AS Created
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
UPDATE orleans_membership_version
SET version = version + 1, modified_at = UTC_TIMESTAMP(6)
WHERE deployment_id = @DeploymentId
  AND version = @Version
  AND NOT EXISTS (
        SELECT 1 FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation);
INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                start_time, i_am_alive_time, table_version)
SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime,
       @IAmAliveTime, @Version + 1
FROM DUAL
WHERE ROW_COUNT() = 1;
SELECT ROW_COUNT() = 1 AS Inserted
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
UPDATE orleans_membership_version
SET version = version + 1, modified_at = UTC_TIMESTAMP(6)
WHERE deployment_id = @DeploymentId AND version = @Version;
UPDATE orleans_membership
SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime, table_version = @Version + 1
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND ROW_COUNT() = 1;
SELECT ROW_COUNT() = 1 AS Updated
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status = 6
');
