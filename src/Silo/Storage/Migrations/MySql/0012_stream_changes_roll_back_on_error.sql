-- The stream queue's calls that write in a transaction roll it back whole on an error (MySQL only: on PostgreSQL an
-- error undoes the whole command). 0009's procedures have no handler: an error inside one, such as a lock wait timeout
-- or a duplicate dead letter, ended only the failing statement, and the transaction stayed open on the pooled
-- connection with the message rows it had locked (as 0011 found for the membership's changes). The procedures stay as
-- 0009 made them; each query key that reaches a transaction now calls a wrapper whose handler rolls back and raises the
-- error again (a handler of the caller catches what a called procedure does not). Dequeue is wrapped too: it evicts
-- when eviction is due. Sent by the migration runner one statement at a time, and safe to run again.

DROP PROCEDURE IF EXISTS orleans_stream_dequeue_atomic;
CREATE PROCEDURE orleans_stream_dequeue_atomic(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_max_count INT, IN p_max_attempts INT, IN p_visibility_timeout INT, IN p_removal_timeout INT,
    IN p_eviction_interval INT, IN p_eviction_batch_size INT)
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    CALL orleans_stream_dequeue(p_service_id, p_provider_id, p_queue_id, p_max_count, p_max_attempts,
        p_visibility_timeout, p_removal_timeout, p_eviction_interval, p_eviction_batch_size);
END;

DROP PROCEDURE IF EXISTS orleans_stream_confirm_atomic;
CREATE PROCEDURE orleans_stream_confirm_atomic(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150), IN p_items TEXT)
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    CALL orleans_stream_confirm(p_service_id, p_provider_id, p_queue_id, p_items);
END;

DROP PROCEDURE IF EXISTS orleans_stream_fail_atomic;
CREATE PROCEDURE orleans_stream_fail_atomic(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_message_id BIGINT, IN p_max_attempts INT, IN p_removal_timeout INT)
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    CALL orleans_stream_fail(p_service_id, p_provider_id, p_queue_id, p_message_id, p_max_attempts, p_removal_timeout);
END;

DROP PROCEDURE IF EXISTS orleans_stream_evict_messages_atomic;
CREATE PROCEDURE orleans_stream_evict_messages_atomic(
    IN p_service_id VARCHAR(150), IN p_provider_id VARCHAR(150), IN p_queue_id VARCHAR(150),
    IN p_max_count INT, IN p_max_attempts INT, IN p_removal_timeout INT)
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    CALL orleans_stream_evict_messages(p_service_id, p_provider_id, p_queue_id, p_max_count, p_max_attempts,
        p_removal_timeout);
END;

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
    ('GetStreamMessagesKey',
     'CALL orleans_stream_dequeue_atomic(@ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts, @VisibilityTimeout, @RemovalTimeout, @EvictionInterval, @EvictionBatchSize)'),
    ('ConfirmStreamMessagesKey',
     'CALL orleans_stream_confirm_atomic(@ServiceId, @ProviderId, @QueueId, @Items)'),
    ('FailStreamMessageKey',
     'CALL orleans_stream_fail_atomic(@ServiceId, @ProviderId, @QueueId, @MessageId, @MaxAttempts, @RemovalTimeout)'),
    ('EvictStreamMessagesKey',
     'CALL orleans_stream_evict_messages_atomic(@ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts, @RemovalTimeout)');
