-- 001_sent.sql - the emitting test service's own state: one row per event
-- it made, written in the same transaction as the event's outbox row.
CREATE TABLE sent (
    seq     bigint PRIMARY KEY,
    case_id text NOT NULL
);
GRANT SELECT, INSERT ON sent TO ${svc_role};
