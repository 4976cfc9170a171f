-- 001_cases.sql - the review case of each filing, and its reply letters.
CREATE TABLE cases (
    tracking_id      text PRIMARY KEY,
    office           text NOT NULL,
    unit_name        text NOT NULL,
    unit_credit_code text NOT NULL,
    system_name      text NOT NULL,
    has_supervisor   boolean NOT NULL,
    grading          bytea NOT NULL,     -- the Grading as filed (protobuf)
    proposed_level   integer NOT NULL,
    computed_level   integer NOT NULL,   -- what the matrix says
    level            integer NOT NULL,   -- the level as it stands now
    state            text NOT NULL CHECK (state IN
                       ('accepted', 'incomplete', 'panel', 'escalated',
                        'closed')),
    outcome          text NOT NULL CHECK (outcome IN ('A', 'B', 'C')),
    materials        text[] NOT NULL,    -- kinds received so far
    missing          text[] NOT NULL DEFAULT '{}',
    received_on      date NOT NULL,
    decided_on       date,
    -- the review clock (rvw_clock_t)
    clock_state      integer NOT NULL,
    clock_budget     integer NOT NULL,
    clock_used       integer NOT NULL,
    clock_since      integer NOT NULL,
    clock_due        integer NOT NULL,
    clock_note       text NOT NULL DEFAULT '',
    panel_note       text NOT NULL DEFAULT '',
    panel_version    bigint NOT NULL DEFAULT 0,  -- of messages to the panel
    liability_notice text NOT NULL DEFAULT '',
    warned_on        date,
    breached_on      date,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_open ON cases (state) WHERE state IN ('escalated');
GRANT SELECT, INSERT, UPDATE ON cases TO ${svc_role};

CREATE TABLE letters (
    id          bigserial PRIMARY KEY,
    tracking_id text NOT NULL REFERENCES cases,
    outcome     text NOT NULL,
    issued_on   date NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX letters_case ON letters (tracking_id, id);
GRANT SELECT, INSERT ON letters TO ${svc_role};
GRANT USAGE ON SEQUENCE letters_id_seq TO ${svc_role};
