-- A membership change on MySQL in one transaction (MySQL only: PostgreSQL's 0008 already makes each change one
-- statement). 0008 sent the version's UPDATE and the member's INSERT or UPDATE as two statements of one command; with
-- autocommit each committed on its own, so a silo reading the table between them saw the new version with the member's
-- old row. Orleans keeps the newest version it has seen and ignores a later read of the same version, so that silo (and
-- every silo it gossiped to) went on seeing, for example, a silo that had become Active as Joining. A cluster test saw
-- it: 2 of 3 silos active for 30 s after all three had joined.
--
-- Each change is now a procedure that takes the version row's lock first (so concurrent changes queue there, and take
-- no locks on members in between), checks the version the silo read, changes the member and moves the version, and
-- commits. An error rolls the whole change back before it is raised: without that, a lock wait timeout ends only the
-- waiting statement, and the transaction stays open on the pooled connection, holding the version row (seen in a test).
-- A change waits at most 5 s for a lock (innodb_lock_wait_timeout, inside the client's 30 s command timeout; the
-- connection's reset on its next use from the pool puts the setting back). Sent by the migration runner one statement at
-- a time, and safe to run again (DROP ... IF EXISTS, REPLACE INTO); the bodies use declared variables only
-- (MySqlConnector takes @names for parameters).

DROP PROCEDURE IF EXISTS orleans_membership_insert;
CREATE PROCEDURE orleans_membership_insert(
    IN p_deployment_id VARCHAR(150), IN p_address VARCHAR(45), IN p_port INT, IN p_generation INT,
    IN p_silo_name VARCHAR(150), IN p_host_name VARCHAR(150), IN p_status INT, IN p_proxy_port INT,
    IN p_start_time DATETIME(6), IN p_i_am_alive_time DATETIME(6), IN p_version INT)
BEGIN
    DECLARE v_version INT DEFAULT NULL;
    DECLARE v_inserted INT DEFAULT 0;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    SET SESSION innodb_lock_wait_timeout = 5;
    START TRANSACTION;
    SELECT version INTO v_version FROM orleans_membership_version WHERE deployment_id = p_deployment_id FOR UPDATE;
    IF v_version = p_version AND NOT EXISTS (
            SELECT 1 FROM orleans_membership
            WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port
              AND generation = p_generation) THEN
        INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                        proxy_port, start_time, i_am_alive_time, table_version)
        VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
                p_start_time, p_i_am_alive_time, p_version + 1);
        UPDATE orleans_membership_version
        SET version = version + 1, modified_at = UTC_TIMESTAMP(6)
        WHERE deployment_id = p_deployment_id;
        SET v_inserted = 1;
    END IF;
    COMMIT;
    SELECT v_inserted = 1 AS Inserted;
END;

DROP PROCEDURE IF EXISTS orleans_membership_update;
CREATE PROCEDURE orleans_membership_update(
    IN p_deployment_id VARCHAR(150), IN p_address VARCHAR(45), IN p_port INT, IN p_generation INT,
    IN p_status INT, IN p_suspect_times TEXT, IN p_i_am_alive_time DATETIME(6), IN p_version INT)
BEGIN
    DECLARE v_version INT DEFAULT NULL;
    DECLARE v_members INT DEFAULT 0;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    SET SESSION innodb_lock_wait_timeout = 5;
    START TRANSACTION;
    SELECT version INTO v_version FROM orleans_membership_version WHERE deployment_id = p_deployment_id FOR UPDATE;
    IF v_version = p_version THEN
        SELECT COUNT(*) INTO v_members FROM orleans_membership
        WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation
        FOR UPDATE;
        IF v_members = 1 THEN
            UPDATE orleans_membership
            SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time,
                table_version = p_version + 1
            WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port
              AND generation = p_generation;
            UPDATE orleans_membership_version
            SET version = version + 1, modified_at = UTC_TIMESTAMP(6)
            WHERE deployment_id = p_deployment_id;
        END IF;
    END IF;
    COMMIT;
    SELECT v_members = 1 AS Updated;
END;

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
CALL orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                               @StartTime, @IAmAliveTime, @Version)
');

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
CALL orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime,
                               @Version)
');
