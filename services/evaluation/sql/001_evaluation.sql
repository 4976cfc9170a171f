-- 001_evaluation.sql - the evaluation service's tables: institutions and
-- their certificates, the systems review accepted and where their
-- evaluation stands, engagements (an institution chosen or assigned for a
-- round), reports, rectification plans and inspections. evaluation_svc may
-- read, insert and update; nothing is ever deleted, and reports and
-- inspections never change.

-- Evaluation institutions, as `mlpsctl institution add` last gave them
-- (record: the packed mlps.v1.Institution, to tell an unchanged one).
CREATE TABLE institutions (
    id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{1,40}$'),
    name           text NOT NULL,
    credit_code    text NOT NULL,
    capacity       integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    related_units  text[] NOT NULL DEFAULT '{}', -- credit codes
    designed_units text[] NOT NULL DEFAULT '{}', -- security design done
    contact_names  text[] NOT NULL DEFAULT '{}',
    contact_roles  text[] NOT NULL DEFAULT '{}',
    contact_phones text[] NOT NULL DEFAULT '{}',
    contact_emails text[] NOT NULL DEFAULT '{}',
    record         bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON institutions TO ${svc_role};

-- Their qualification certificates. A certificate the institution's file
-- no longer lists is kept, unlisted, and no longer counts.
CREATE TABLE certificates (
    number           text PRIMARY KEY,
    institution_id   text NOT NULL REFERENCES institutions,
    category         text NOT NULL,
    level            integer NOT NULL CHECK (level BETWEEN 1 AND 3),
    issued_on        date NOT NULL,
    expires_on       date NOT NULL CHECK (expires_on >= issued_on),
    surveillance     text NOT NULL DEFAULT ''
                       CHECK (surveillance IN ('', 'passed', 'failed')),
    surveillance_on  date CHECK (surveillance = '' OR surveillance_on
                                 IS NOT NULL),
    suspended        boolean NOT NULL DEFAULT false,
    suspended_reason text NOT NULL DEFAULT '',
    listed           boolean NOT NULL DEFAULT true,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX certificates_of ON certificates (institution_id);
GRANT SELECT, INSERT, UPDATE ON certificates TO ${svc_role};

-- One row per system review accepted (CaseAccepted), with where its
-- evaluation stands. The last report's figures stay until the next one.
CREATE TABLE systems (
    tracking_id        text PRIMARY KEY,
    district           text NOT NULL,
    unit_name          text NOT NULL,
    unit_credit_code   text NOT NULL,
    region_code        text NOT NULL,
    system_name        text NOT NULL,
    level              integer NOT NULL CHECK (level BETWEEN 2 AND 5),
    accepted_on        date NOT NULL,
    unit_secret_sha256 text NOT NULL DEFAULT '',
    state              text NOT NULL CHECK (state IN
                         ('choosing', 'proposed', 'escalated', 'assigned',
                          'evaluated', 'rectification', 'plan_review',
                          'rectifying')),
    round              integer NOT NULL DEFAULT 1 CHECK (round >= 1),
    institution_id     text REFERENCES institutions, -- of the round
    engaged            text NOT NULL DEFAULT ''
                         CHECK (engaged IN ('', 'chosen', 'assigned')),
    engaged_on         date,
    proposal           text REFERENCES institutions,
    detail             text NOT NULL DEFAULT '',
    report_date        date,
    score              integer CHECK (score BETWEEN 0 AND 100),
    high_risks         integer CHECK (high_risks >= 0),
    medium_risks       integer CHECK (medium_risks >= 0),
    verdict            text CHECK (verdict IN
                         ('excellent', 'good', 'fair', 'poor')),
    next_due           date,
    calendar           text NOT NULL DEFAULT ''
                         CHECK (calendar IN ('', 'due', 'overdue')),
    reports            bigint NOT NULL DEFAULT 0, -- EvaluationConcluded sent
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX systems_due ON systems (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX systems_office ON systems (state)
    WHERE state IN ('proposed', 'escalated', 'plan_review');
GRANT SELECT, INSERT, UPDATE ON systems TO ${svc_role};

-- An institution chosen (by the unit) or assigned (by the office) for one
-- round of a system: active until its report is in. The active ones are
-- an institution's load; the office's assignments its rotation.
CREATE TABLE engagements (
    id             bigserial PRIMARY KEY,
    tracking_id    text NOT NULL REFERENCES systems,
    round          integer NOT NULL,
    institution_id text NOT NULL REFERENCES institutions,
    how            text NOT NULL CHECK (how IN ('chosen', 'assigned')),
    by_whom        text NOT NULL,
    engaged_on     date NOT NULL,
    state          text NOT NULL CHECK (state IN ('active', 'reported')),
    why            text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tracking_id, round)
);
CREATE INDEX engagements_active ON engagements (institution_id)
    WHERE state = 'active';
GRANT SELECT, INSERT, UPDATE ON engagements TO ${svc_role};
GRANT USAGE ON SEQUENCE engagements_id_seq TO ${svc_role};

-- The institutions' reports, one per round.
CREATE TABLE reports (
    tracking_id    text NOT NULL REFERENCES systems,
    round          integer NOT NULL,
    institution_id text NOT NULL REFERENCES institutions,
    report_date    date NOT NULL,
    score          integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    high_risks     integer NOT NULL CHECK (high_risks >= 0),
    medium_risks   integer NOT NULL CHECK (medium_risks >= 0),
    verdict        text NOT NULL CHECK (verdict IN
                     ('excellent', 'good', 'fair', 'poor')),
    report_sha256  text NOT NULL CHECK (report_sha256 ~ '^[0-9a-f]{64}$'),
    submitted_by   text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tracking_id, round)
);
GRANT SELECT, INSERT ON reports TO ${svc_role};

-- Rectification after a poor report: each plan the unit sent, the panel's
-- review of it (important systems), and the unit's completion.
CREATE TABLE rectifications (
    id            bigserial PRIMARY KEY,
    tracking_id   text NOT NULL REFERENCES systems,
    round         integer NOT NULL, -- of the poor report
    summary       text NOT NULL,
    plan_sha256   text NOT NULL CHECK (plan_sha256 ~ '^[0-9a-f]{64}$'),
    planned_on    date NOT NULL,
    planned_by    text NOT NULL,
    review        text NOT NULL DEFAULT ''
                    CHECK (review IN ('', 'approved', 'rejected',
                                      'not_needed')),
    review_reason text NOT NULL DEFAULT '',
    reviewed_by   text NOT NULL DEFAULT '',
    reviewed_on   date,
    completed_on  date,
    completed_by  text NOT NULL DEFAULT '',
    completion    text NOT NULL DEFAULT ''
);
CREATE INDEX rectifications_of ON rectifications (tracking_id, id);
GRANT SELECT, INSERT, UPDATE ON rectifications TO ${svc_role};
GRANT USAGE ON SEQUENCE rectifications_id_seq TO ${svc_role};

-- Inspections done (the annual joint inspections of important systems).
CREATE TABLE inspections (
    id           bigserial PRIMARY KEY,
    tracking_id  text NOT NULL REFERENCES systems,
    inspected_on date NOT NULL,
    result       text NOT NULL CHECK (result IN ('passed', 'issues')),
    note         text NOT NULL DEFAULT '',
    by_whom      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspections_of ON inspections (tracking_id, inspected_on);
GRANT SELECT, INSERT ON inspections TO ${svc_role};
GRANT USAGE ON SEQUENCE inspections_id_seq TO ${svc_role};
