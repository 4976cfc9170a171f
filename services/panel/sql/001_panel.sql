-- 001_panel.sql - experts, panel cases, their rounds (one booking of a case
-- at a session), seats and opinions. panel_svc may read, insert and update;
-- nothing is ever deleted, and opinions are never changed.

-- The panel's experts, upserted from the experts file at start.
CREATE TABLE experts (
    id            bigint PRIMARY KEY CHECK (id > 0),
    name          text NOT NULL,
    employer      text NOT NULL DEFAULT '',
    employer_code text NOT NULL DEFAULT '', -- credit code of the employer
    specialties   text[] NOT NULL DEFAULT '{}',
    conflicts     text[] NOT NULL DEFAULT '{}', -- credit codes declared
    unavailable   date[] NOT NULL DEFAULT '{}',
    last_sat      date,                       -- latest session sat at
    active        boolean NOT NULL DEFAULT true, -- still in the file
    updated_at    timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON experts TO ${svc_role};

-- One row per case referred by review.
CREATE TABLE cases (
    tracking_id      text PRIMARY KEY,
    unit_name        text NOT NULL,
    unit_credit_code text NOT NULL,
    system_name      text NOT NULL,
    proposed_level   integer NOT NULL CHECK (proposed_level BETWEEN 1 AND 5),
    computed_level   integer NOT NULL CHECK (computed_level BETWEEN 0 AND 5),
    referral_reason  text NOT NULL,
    referred_on      date NOT NULL,
    state            text NOT NULL CHECK (state IN
                       ('scheduled', 'decided', 'escalated', 'withdrawn')),
    round            integer NOT NULL DEFAULT 0, -- the latest round
    session_date     date,                       -- of the latest round
    verdict          text CHECK (verdict IN ('confirm', 'adjust')),
    level            integer CHECK (level BETWEEN 1 AND 5),
    detail           text NOT NULL DEFAULT '',
    out_version      bigint NOT NULL DEFAULT 0,  -- of messages to review
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_open ON cases (session_date) WHERE state = 'scheduled';
GRANT SELECT, INSERT, UPDATE ON cases TO ${svc_role};

-- Each time a case is put on a session's agenda. open, decided and
-- no_majority rounds take a place in their session; no_quorum (escalated
-- there) and withdrawn ones do not.
CREATE TABLE rounds (
    tracking_id  text NOT NULL REFERENCES cases,
    round        integer NOT NULL CHECK (round >= 1),
    session_date date NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN
                   ('open', 'decided', 'no_majority', 'no_quorum',
                    'withdrawn')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz,
    PRIMARY KEY (tracking_id, round)
);
CREATE INDEX rounds_load ON rounds (session_date)
    WHERE outcome IN ('open', 'decided', 'no_majority');
GRANT SELECT, INSERT, UPDATE ON rounds TO ${svc_role};

-- The quorum of a round: seated until the round ends, then sat (or
-- released when the case was withdrawn).
CREATE TABLE seats (
    tracking_id  text NOT NULL,
    round        integer NOT NULL,
    expert_id    bigint NOT NULL REFERENCES experts,
    session_date date NOT NULL,
    seat         integer NOT NULL, -- 1 .. quorum, in the order chosen
    state        text NOT NULL CHECK (state IN ('seated', 'sat', 'released')),
    PRIMARY KEY (tracking_id, round, expert_id),
    FOREIGN KEY (tracking_id, round) REFERENCES rounds
);
CREATE INDEX seats_upcoming ON seats (expert_id) WHERE state = 'seated';
GRANT SELECT, INSERT, UPDATE ON seats TO ${svc_role};

-- One opinion per seated expert per round.
CREATE TABLE opinions (
    tracking_id text NOT NULL,
    round       integer NOT NULL,
    expert_id   bigint NOT NULL,
    verdict     text NOT NULL CHECK (verdict IN ('confirm', 'adjust')),
    level       integer NOT NULL CHECK (level BETWEEN 1 AND 5),
    reasons     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tracking_id, round, expert_id),
    FOREIGN KEY (tracking_id, round, expert_id) REFERENCES seats
);
GRANT SELECT, INSERT ON opinions TO ${svc_role};
