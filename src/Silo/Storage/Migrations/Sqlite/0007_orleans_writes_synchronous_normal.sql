-- Orleans opens its own SQLite connections, which start at synchronous = FULL: an fsync of the WAL on every commit,
-- where the product's own connections use NORMAL. In WAL mode NORMAL loses no committed transaction when a process is
-- killed (the WAL is in the operating system's cache and is synced at each checkpoint); only a power loss or an
-- operating-system crash can roll back the last commits. Every query that changes Orleans's tables now sets it first,
-- on the connection it runs on. Orleans runs each query outside an explicit transaction, where the pragma is allowed.
UPDATE OrleansQuery
SET QueryText = 'PRAGMA synchronous = NORMAL;' || QueryText
WHERE QueryKey IN ('WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey',
                   'UpsertReminderRowKey', 'DeleteReminderRowKey', 'DeleteReminderRowsKey');
