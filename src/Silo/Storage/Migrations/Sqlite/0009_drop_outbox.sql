-- Paid orders go on an Orleans stream (on SQLite: memory streams, the order keeping its event until both consumers
-- stored it), so the home-made outbox relay's table and the RabbitMQ consumers' offsets go. Orleans's ADO.NET queue is
-- not used on SQLite: it reads Dequeued as a 32-bit integer and the times as DateTime, which Microsoft.Data.Sqlite
-- returns as Int64 and text.
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS stream_offset;
