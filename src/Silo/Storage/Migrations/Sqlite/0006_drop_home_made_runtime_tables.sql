-- The home-made runtime's tables. Grain state and reminders now live in Orleans's ADO.NET tables (0004, 0005); the
-- commerce and ranking rows written beside each state are part of the grains' own stored states. The outbox, the
-- stream offsets, the data platform's deliveries and the dead letters stay: the relay and the delivery worker own them.
DROP TABLE IF EXISTS payment;
DROP TABLE IF EXISTS order_detail;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS user_coupon;
DROP TABLE IF EXISTS coupon;
DROP TABLE IF EXISTS stock_reservation;
DROP TABLE IF EXISTS product;
DROP TABLE IF EXISTS user_point_history;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS user_point;
DROP TABLE IF EXISTS id_sequence;
DROP TABLE IF EXISTS product_ranking;
DROP TABLE IF EXISTS daily_product_sales;
DROP TABLE IF EXISTS ranking_event;
DROP TABLE IF EXISTS reminders;
DROP TABLE IF EXISTS grain_state;
