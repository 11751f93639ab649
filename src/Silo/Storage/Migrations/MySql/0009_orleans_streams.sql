-- The paid-orders stream's queue (Microsoft.Orleans.Streaming.AdoNet) on MySQL 8 / MariaDB 10.6+, written for this
-- project; the same design as Postgres/0009_orleans_streams.sql. Sent by the migration runner one statement at a time (a
-- routine's BEGIN ... END is one statement; no DELIMITER lines), and written to run again after a failure half-way; the procedure bodies use declared variables only, never @variables, which MySqlConnector would take for
-- parameters). Everything is UTC (UTC_TIMESTAMP(6)).
--
-- The provider binds: ServiceId, ProviderId, QueueId, Payload, ExpiryTimeout, MaxCount, MaxAttempts, VisibilityTimeout,
-- RemovalTimeout, EvictionInterval, EvictionBatchSize (timeouts in seconds), MessageId, Items ("id:dequeued|...", a
-- negative dequeued count releases instead of confirming). It reads by name: ServiceId, ProviderId, QueueId,
-- MessageId (signed BIGINT), Dequeued (INT), VisibleOn, ExpiresOn, CreatedOn, ModifiedOn (DATETIME), Payload.
-- A dequeue marks its batch with a fresh receipt (UUID) and returns the rows carrying it: MySQL has no RETURNING.

CREATE TABLE IF NOT EXISTS orleans_stream_messages (
    message_id   BIGINT       NOT NULL AUTO_INCREMENT,
    service_id   VARCHAR(150) NOT NULL,
    provider_id  VARCHAR(150) NOT NULL,
    queue_id     VARCHAR(150) NOT NULL,
    dequeued     INT          NOT NULL,
    visible_on   DATETIME(6)  NOT NULL,
    expires_on   DATETIME(6)  NOT NULL,
    created_on   DATETIME(6)  NOT NULL,
    modified_on  DATETIME(6)  NOT NULL,
    receipt      CHAR(36)     NULL,
    payload      LONGBLOB     NOT NULL,
    PRIMARY KEY (message_id),
    KEY ix_orleans_stream_messages_queue (service_id, provider_id, queue_id, message_id)
);

CREATE TABLE IF NOT EXISTS orleans_stream_dead_letters (
    message_id   BIGINT       NOT NULL,
    service_id   VARCHAR(150) NOT NULL,
    provider_id  VARCHAR(150) NOT NULL,
    queue_id     VARCHAR(150) NOT NULL,
    dequeued     INT          NOT NULL,
    visible_on   DATETIME(6)  NOT NULL,
    expires_on   DATETIME(6)  NOT NULL,
    created_on   DATETIME(6)  NOT NULL,
    modified_on  DATETIME(6)  NOT NULL,
    dead_on      DATETIME(6)  NOT NULL,
    remove_on    DATETIME(6)  NOT NULL,
    payload      LONGBLOB     NULL,
    PRIMARY KEY (message_id),
    KEY ix_orleans_stream_dead_letters_queue (service_id, provider_id, queue_id, remove_on)
);

CREATE TABLE IF NOT EXISTS orleans_stream_eviction (
    service_id   VARCHAR(150) NOT NULL,
    provider_id  VARCHAR(150) NOT NULL,
    queue_id     VARCHAR(150) NOT NULL,
    evict_on     DATETIME(6)  NOT NULL,
    PRIMARY KEY (service_id, provider_id, queue_id)
);

DROP PROCEDURE IF EXISTS orleans_stream_enqueue;
CREATE PROCEDURE orleans_stream_enqueue(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_payload LONGBLOB, IN p_expiry_timeout INT)
BEGIN
    DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    INSERT INTO orleans_stream_messages
        (service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
    VALUES (p_service_id, p_provider_id, p_queue_id, 0, v_now, v_now + INTERVAL p_expiry_timeout SECOND, v_now, v_now,
            p_payload);
    SELECT p_service_id AS ServiceId, p_provider_id AS ProviderId, p_queue_id AS QueueId,
           CAST(LAST_INSERT_ID() AS SIGNED) AS MessageId;
END;

-- Moves up to p_max_count spent (dequeued p_max_attempts times) or expired messages, past their visibility, to the
-- dead letters.
DROP PROCEDURE IF EXISTS orleans_stream_evict_messages;
CREATE PROCEDURE orleans_stream_evict_messages(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_max_count INT, IN p_max_attempts INT, IN p_removal_timeout INT)
BEGIN
    DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_receipt CHAR(36) DEFAULT UUID();
    START TRANSACTION;
    UPDATE orleans_stream_messages
    SET receipt = v_receipt
    WHERE service_id = p_service_id AND provider_id = p_provider_id AND queue_id = p_queue_id
      AND visible_on <= v_now AND (dequeued >= p_max_attempts OR expires_on <= v_now)
    ORDER BY message_id
    LIMIT p_max_count;
    INSERT INTO orleans_stream_dead_letters
        (message_id, service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on,
         dead_on, remove_on, payload)
    SELECT message_id, service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on,
           v_now, v_now + INTERVAL p_removal_timeout SECOND, payload
    FROM orleans_stream_messages
    WHERE receipt = v_receipt;
    DELETE FROM orleans_stream_messages WHERE receipt = v_receipt;
    COMMIT;
END;

DROP PROCEDURE IF EXISTS orleans_stream_evict_dead_letters;
CREATE PROCEDURE orleans_stream_evict_dead_letters(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150), IN p_max_count INT)
BEGIN
    DELETE FROM orleans_stream_dead_letters
    WHERE service_id = p_service_id AND provider_id = p_provider_id AND queue_id = p_queue_id
      AND remove_on <= UTC_TIMESTAMP(6)
    ORDER BY message_id
    LIMIT p_max_count;
END;

-- The due eviction first (when this call wins the queue's schedule), then the oldest visible messages, each dequeued
-- once more and hidden for the visibility timeout, returned by their fresh receipt.
DROP PROCEDURE IF EXISTS orleans_stream_dequeue;
CREATE PROCEDURE orleans_stream_dequeue(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_max_count INT, IN p_max_attempts INT, IN p_visibility_timeout INT, IN p_removal_timeout INT,
    IN p_eviction_interval INT, IN p_eviction_batch_size INT)
BEGIN
    DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_receipt CHAR(36) DEFAULT UUID();
    INSERT IGNORE INTO orleans_stream_eviction (service_id, provider_id, queue_id, evict_on)
    VALUES (p_service_id, p_provider_id, p_queue_id, '1000-01-01 00:00:00');
    UPDATE orleans_stream_eviction
    SET evict_on = v_now + INTERVAL p_eviction_interval SECOND
    WHERE service_id = p_service_id AND provider_id = p_provider_id AND queue_id = p_queue_id AND evict_on <= v_now;
    IF ROW_COUNT() > 0 THEN
        CALL orleans_stream_evict_messages(p_service_id, p_provider_id, p_queue_id, p_eviction_batch_size,
            p_max_attempts, p_removal_timeout);
        CALL orleans_stream_evict_dead_letters(p_service_id, p_provider_id, p_queue_id, p_eviction_batch_size);
    END IF;
    UPDATE orleans_stream_messages
    SET dequeued = dequeued + 1, visible_on = v_now + INTERVAL p_visibility_timeout SECOND, modified_on = v_now,
        receipt = v_receipt
    WHERE service_id = p_service_id AND provider_id = p_provider_id AND queue_id = p_queue_id
      AND dequeued < p_max_attempts AND visible_on <= v_now AND expires_on > v_now
    ORDER BY message_id
    LIMIT p_max_count;
    SELECT service_id AS ServiceId, provider_id AS ProviderId, queue_id AS QueueId, message_id AS MessageId,
           dequeued AS Dequeued, visible_on AS VisibleOn, expires_on AS ExpiresOn, created_on AS CreatedOn,
           modified_on AS ModifiedOn, payload AS Payload
    FROM orleans_stream_messages
    WHERE receipt = v_receipt
    ORDER BY message_id;
END;

-- Deletes each message still at the dequeue count of its receipt, or makes it visible again for a negative count.
DROP PROCEDURE IF EXISTS orleans_stream_confirm;
CREATE PROCEDURE orleans_stream_confirm(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150), IN p_items TEXT)
BEGIN
    DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_rest TEXT DEFAULT p_items;
    DECLARE v_item TEXT;
    DECLARE v_message_id BIGINT;
    DECLARE v_dequeued INT;
    CREATE TEMPORARY TABLE IF NOT EXISTS orleans_stream_receipts (
        message_id BIGINT NOT NULL PRIMARY KEY, dequeued INT NOT NULL, done TINYINT NOT NULL DEFAULT 0);
    DELETE FROM orleans_stream_receipts;
    WHILE v_rest IS NOT NULL AND v_rest <> '' DO
        SET v_item = SUBSTRING_INDEX(v_rest, '|', 1);
        SET v_rest = IF(LOCATE('|', v_rest) > 0, SUBSTRING(v_rest, LOCATE('|', v_rest) + 1), '');
        SET v_message_id = CAST(SUBSTRING_INDEX(v_item, ':', 1) AS SIGNED);
        SET v_dequeued = CAST(SUBSTRING_INDEX(v_item, ':', -1) AS SIGNED);
        INSERT IGNORE INTO orleans_stream_receipts (message_id, dequeued) VALUES (v_message_id, v_dequeued);
    END WHILE;
    START TRANSACTION;
    UPDATE orleans_stream_receipts AS r
    JOIN orleans_stream_messages AS m
      ON m.message_id = r.message_id
     AND m.dequeued = ABS(r.dequeued)
     AND m.service_id = p_service_id AND m.provider_id = p_provider_id AND m.queue_id = p_queue_id
    SET r.done = 1;
    UPDATE orleans_stream_messages AS m
    JOIN orleans_stream_receipts AS r ON r.message_id = m.message_id AND r.done = 1 AND r.dequeued < 0
    SET m.visible_on = v_now, m.modified_on = v_now;
    DELETE m FROM orleans_stream_messages AS m
    JOIN orleans_stream_receipts AS r ON r.message_id = m.message_id AND r.done = 1 AND r.dequeued >= 0;
    COMMIT;
    SELECT p_service_id AS ServiceId, p_provider_id AS ProviderId, p_queue_id AS QueueId, message_id AS MessageId
    FROM orleans_stream_receipts
    WHERE done = 1
    ORDER BY message_id;
    DELETE FROM orleans_stream_receipts;
END;

-- A failed delivery is visible again at once, or a dead letter once it used its attempts.
DROP PROCEDURE IF EXISTS orleans_stream_fail;
CREATE PROCEDURE orleans_stream_fail(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_message_id BIGINT, IN p_max_attempts INT, IN p_removal_timeout INT)
BEGIN
    DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    START TRANSACTION;
    UPDATE orleans_stream_messages
    SET visible_on = v_now, modified_on = v_now
    WHERE message_id = p_message_id AND service_id = p_service_id AND provider_id = p_provider_id
      AND queue_id = p_queue_id AND dequeued < p_max_attempts;
    INSERT INTO orleans_stream_dead_letters
        (message_id, service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on,
         dead_on, remove_on, payload)
    SELECT message_id, service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on,
           v_now, v_now + INTERVAL p_removal_timeout SECOND, payload
    FROM orleans_stream_messages
    WHERE message_id = p_message_id AND service_id = p_service_id AND provider_id = p_provider_id
      AND queue_id = p_queue_id AND dequeued >= p_max_attempts;
    DELETE FROM orleans_stream_messages
    WHERE message_id = p_message_id AND service_id = p_service_id AND provider_id = p_provider_id
      AND queue_id = p_queue_id AND dequeued >= p_max_attempts;
    COMMIT;
END;

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
    ('QueueStreamMessageKey',
     'CALL orleans_stream_enqueue(@ServiceId, @ProviderId, @QueueId, @Payload, @ExpiryTimeout)'),
    ('GetStreamMessagesKey',
     'CALL orleans_stream_dequeue(@ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts, @VisibilityTimeout, @RemovalTimeout, @EvictionInterval, @EvictionBatchSize)'),
    ('ConfirmStreamMessagesKey',
     'CALL orleans_stream_confirm(@ServiceId, @ProviderId, @QueueId, @Items)'),
    ('FailStreamMessageKey',
     'CALL orleans_stream_fail(@ServiceId, @ProviderId, @QueueId, @MessageId, @MaxAttempts, @RemovalTimeout)'),
    ('EvictStreamMessagesKey',
     'CALL orleans_stream_evict_messages(@ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts, @RemovalTimeout)'),
    ('EvictStreamDeadLettersKey',
     'CALL orleans_stream_evict_dead_letters(@ServiceId, @ProviderId, @QueueId, @MaxCount)');

DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS stream_offset;
