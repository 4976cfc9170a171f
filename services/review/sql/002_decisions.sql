-- 002_decisions.sql - decisions are made by people: a case waits in the
-- office's queue (state 'pending') with review's recommendation until a
-- member of staff decides (or review.auto decides for the office), and
-- the case records who decided. A read of a case needs the unit's proof
-- (stored only as its SHA-256) or an office whose jurisdiction covers the
-- unit's region.
ALTER TABLE cases DROP CONSTRAINT cases_state_check;
ALTER TABLE cases ADD CONSTRAINT cases_state_check CHECK (state IN
    ('pending', 'accepted', 'incomplete', 'panel', 'escalated', 'closed'));
-- A pending case has no decided outcome yet.
ALTER TABLE cases ALTER COLUMN outcome DROP NOT NULL;
ALTER TABLE cases
    ADD COLUMN recommendation text CHECK (recommendation IN ('A', 'B', 'C')),
    ADD COLUMN rec_level integer NOT NULL DEFAULT 0,
    ADD COLUMN rec_reason text NOT NULL DEFAULT '',
    ADD COLUMN rec_missing text[] NOT NULL DEFAULT '{}',
    ADD COLUMN decided_by text NOT NULL DEFAULT '',
    ADD COLUMN region_code text NOT NULL DEFAULT '',
    ADD COLUMN unit_secret_sha256 text NOT NULL DEFAULT '';
CREATE INDEX cases_queue ON cases (received_on)
    WHERE state IN ('pending', 'escalated');
