-- 001_send.sql - the test sender needs only the runtime's outbox.
SELECT 1;
