-- A grain's row is rewritten on every change of its state (an order three times, a hot product or coupon many times a
-- second), always under the same key. With pages filled to the brim, each new row version goes to another page and
-- adds an entry to the primary-key index; with room left on the page, PostgreSQL writes it beside the old one as a
-- heap-only tuple (HOT), touching no index, and prunes the dead versions on the page. New pages keep half free.
ALTER TABLE orleans_grain_state SET (fillfactor = 50);

-- A coupon's state holds every issued copy and passes 2 kB after a few hundred, so it is stored out of line (TOAST).
-- It is already a compact binary encoding: compressing it again (pglz) costs CPU on every write and saves little.
ALTER TABLE orleans_grain_state ALTER COLUMN payload SET STORAGE EXTERNAL;
