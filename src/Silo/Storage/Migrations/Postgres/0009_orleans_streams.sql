-- The paid-orders stream's queue (Microsoft.Orleans.Streaming.AdoNet), written for this project.
--
-- The provider binds: ServiceId, ProviderId, QueueId (text), Payload (bytea), ExpiryTimeout, MaxCount, MaxAttempts,
-- VisibilityTimeout, RemovalTimeout, EvictionInterval, EvictionBatchSize (integers, timeouts in seconds), MessageId
-- (bigint) and Items ("messageId:dequeued|..."; a negative dequeued count releases that message instead of
-- confirming it). It reads these columns by name: ServiceId, ProviderId, QueueId, MessageId (bigint), Dequeued
-- (integer), VisibleOn, ExpiresOn, CreatedOn, ModifiedOn (UTC timestamps without zone), Payload.
--
-- A message is dequeued by raising its dequeue count and hiding it for the visibility timeout; it is deleted only when
-- confirmed with the count it was dequeued with, so a receiver whose lease ran out cannot confirm another's delivery.
-- Messages dequeued MaxAttempts times or past their expiry move to the dead letters, at most once per eviction
-- interval per queue (the eviction row is the schedule); dead letters go after their removal timeout.

CREATE SEQUENCE orleans_stream_message_ids AS bigint;

CREATE TABLE orleans_stream_messages (
    service_id   text      NOT NULL,
    provider_id  text      NOT NULL,
    queue_id     text      NOT NULL,
    message_id   bigint    NOT NULL,
    dequeued     integer   NOT NULL,
    visible_on   timestamp NOT NULL,
    expires_on   timestamp NOT NULL,
    created_on   timestamp NOT NULL,
    modified_on  timestamp NOT NULL,
    payload      bytea     NOT NULL,
    PRIMARY KEY (service_id, provider_id, queue_id, message_id)
);

CREATE TABLE orleans_stream_dead_letters (
    service_id   text      NOT NULL,
    provider_id  text      NOT NULL,
    queue_id     text      NOT NULL,
    message_id   bigint    NOT NULL,
    dequeued     integer   NOT NULL,
    visible_on   timestamp NOT NULL,
    expires_on   timestamp NOT NULL,
    created_on   timestamp NOT NULL,
    modified_on  timestamp NOT NULL,
    dead_on      timestamp NOT NULL,
    remove_on    timestamp NOT NULL,
    payload      bytea     NULL,
    PRIMARY KEY (service_id, provider_id, queue_id, message_id)
);

CREATE TABLE orleans_stream_eviction (
    service_id   text      NOT NULL,
    provider_id  text      NOT NULL,
    queue_id     text      NOT NULL,
    evict_on     timestamp NOT NULL,
    PRIMARY KEY (service_id, provider_id, queue_id)
);

-- QueueStreamMessageKey: store one message, visible at once; returns its key.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('QueueStreamMessageKey', '
INSERT INTO orleans_stream_messages
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
VALUES (@ServiceId, @ProviderId, @QueueId, nextval(''orleans_stream_message_ids''), 0,
        now() AT TIME ZONE ''UTC'', (now() AT TIME ZONE ''UTC'') + @ExpiryTimeout * INTERVAL ''1 second'',
        now() AT TIME ZONE ''UTC'', now() AT TIME ZONE ''UTC'', @Payload)
RETURNING service_id AS ServiceId, provider_id AS ProviderId, queue_id AS QueueId, message_id AS MessageId;
');

-- GetStreamMessagesKey: the due eviction first (when this call wins the queue''s schedule), then the oldest visible
-- messages, each dequeued once more and hidden for the visibility timeout. SKIP LOCKED: two receivers of one queue
-- during a hand-over never wait on, or take, the same message.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GetStreamMessagesKey', '
INSERT INTO orleans_stream_eviction (service_id, provider_id, queue_id, evict_on)
VALUES (@ServiceId, @ProviderId, @QueueId, ''-infinity'')
ON CONFLICT (service_id, provider_id, queue_id) DO NOTHING;

WITH due AS (
    UPDATE orleans_stream_eviction
    SET evict_on = (now() AT TIME ZONE ''UTC'') + @EvictionInterval * INTERVAL ''1 second''
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND evict_on <= now() AT TIME ZONE ''UTC''
    RETURNING 1
), spent AS (
    DELETE FROM orleans_stream_messages
    WHERE EXISTS (SELECT 1 FROM due)
      AND service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND message_id IN (
          SELECT message_id FROM orleans_stream_messages
          WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
            AND visible_on <= now() AT TIME ZONE ''UTC''
            AND (dequeued >= @MaxAttempts OR expires_on <= now() AT TIME ZONE ''UTC'')
          ORDER BY message_id
          LIMIT @EvictionBatchSize
          FOR UPDATE SKIP LOCKED)
    RETURNING *
), buried AS (
    INSERT INTO orleans_stream_dead_letters
        (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
         dead_on, remove_on, payload)
    SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
           now() AT TIME ZONE ''UTC'', (now() AT TIME ZONE ''UTC'') + @RemovalTimeout * INTERVAL ''1 second'', payload
    FROM spent
    RETURNING 1
)
DELETE FROM orleans_stream_dead_letters
WHERE EXISTS (SELECT 1 FROM due)
  AND service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
  AND remove_on <= now() AT TIME ZONE ''UTC'';

WITH batch AS (
    SELECT message_id FROM orleans_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND dequeued < @MaxAttempts
      AND visible_on <= now() AT TIME ZONE ''UTC''
      AND expires_on > now() AT TIME ZONE ''UTC''
    ORDER BY message_id
    LIMIT @MaxCount
    FOR UPDATE SKIP LOCKED
)
UPDATE orleans_stream_messages AS m
SET dequeued = m.dequeued + 1,
    visible_on = (now() AT TIME ZONE ''UTC'') + @VisibilityTimeout * INTERVAL ''1 second'',
    modified_on = now() AT TIME ZONE ''UTC''
FROM batch
WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
  AND m.message_id = batch.message_id
RETURNING m.service_id AS ServiceId, m.provider_id AS ProviderId, m.queue_id AS QueueId, m.message_id AS MessageId,
          m.dequeued AS Dequeued, m.visible_on AS VisibleOn, m.expires_on AS ExpiresOn, m.created_on AS CreatedOn,
          m.modified_on AS ModifiedOn, m.payload AS Payload;
');

-- ConfirmStreamMessagesKey: deletes each message still at the dequeue count of its receipt; a negative count makes
-- that message visible again instead (a receiver handing its queue over). Returns the keys it deleted or released.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ConfirmStreamMessagesKey', '
WITH receipts AS (
    SELECT split_part(item, '':'', 1)::bigint AS message_id, split_part(item, '':'', 2)::integer AS dequeued
    FROM unnest(string_to_array(@Items, ''|'')) AS item
), released AS (
    UPDATE orleans_stream_messages AS m
    SET visible_on = now() AT TIME ZONE ''UTC'', modified_on = now() AT TIME ZONE ''UTC''
    FROM receipts AS r
    WHERE r.dequeued < 0
      AND m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = r.message_id AND m.dequeued = -r.dequeued
    RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
), confirmed AS (
    DELETE FROM orleans_stream_messages AS m
    USING receipts AS r
    WHERE r.dequeued >= 0
      AND m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = r.message_id AND m.dequeued = r.dequeued
    RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
)
SELECT service_id AS ServiceId, provider_id AS ProviderId, queue_id AS QueueId, message_id AS MessageId FROM released
UNION ALL
SELECT service_id, provider_id, queue_id, message_id FROM confirmed;
');

-- FailStreamMessageKey: a failed delivery is visible again at once, or a dead letter once it used its attempts.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('FailStreamMessageKey', '
WITH retried AS (
    UPDATE orleans_stream_messages
    SET visible_on = now() AT TIME ZONE ''UTC'', modified_on = now() AT TIME ZONE ''UTC''
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId AND message_id = @MessageId
      AND dequeued < @MaxAttempts
    RETURNING 1
), spent AS (
    DELETE FROM orleans_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId AND message_id = @MessageId
      AND dequeued >= @MaxAttempts
    RETURNING *
)
INSERT INTO orleans_stream_dead_letters
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
     dead_on, remove_on, payload)
SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
       now() AT TIME ZONE ''UTC'', (now() AT TIME ZONE ''UTC'') + @RemovalTimeout * INTERVAL ''1 second'', payload
FROM spent;
');

-- EvictStreamMessagesKey: moves up to MaxCount spent or expired messages (past their visibility) to the dead letters.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('EvictStreamMessagesKey', '
WITH spent AS (
    DELETE FROM orleans_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND message_id IN (
          SELECT message_id FROM orleans_stream_messages
          WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
            AND visible_on <= now() AT TIME ZONE ''UTC''
            AND (dequeued >= @MaxAttempts OR expires_on <= now() AT TIME ZONE ''UTC'')
          ORDER BY message_id
          LIMIT @MaxCount
          FOR UPDATE SKIP LOCKED)
    RETURNING *
)
INSERT INTO orleans_stream_dead_letters
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
     dead_on, remove_on, payload)
SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
       now() AT TIME ZONE ''UTC'', (now() AT TIME ZONE ''UTC'') + @RemovalTimeout * INTERVAL ''1 second'', payload
FROM spent;
');

-- EvictStreamDeadLettersKey: removes up to MaxCount dead letters past their removal time.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('EvictStreamDeadLettersKey', '
DELETE FROM orleans_stream_dead_letters
WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
  AND message_id IN (
      SELECT message_id FROM orleans_stream_dead_letters
      WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
        AND remove_on <= now() AT TIME ZONE ''UTC''
      ORDER BY message_id
      LIMIT @MaxCount);
');

-- The home-made outbox relay and RabbitMQ offsets are gone: paid orders go on the Orleans stream above.
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS stream_offset;
