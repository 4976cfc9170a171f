-- 001_fake.sql - what the fake review and audit took in (panel tests).
CREATE TABLE got (
    id           bigserial PRIMARY KEY,
    type         text NOT NULL,
    source       text NOT NULL,
    tracking_id  text NOT NULL,
    case_version bigint NOT NULL,
    verdict      text,
    level        integer,
    reasons      text,
    session_date text,
    experts      integer,
    majority     integer,
    reason       text,
    received_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
GRANT SELECT, INSERT ON got TO ${svc_role};
GRANT USAGE ON SEQUENCE got_id_seq TO ${svc_role};

CREATE TABLE audit (
    id      bigserial PRIMARY KEY,
    service text NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    case_id text NOT NULL,
    outcome text NOT NULL,
    office  text NOT NULL,
    at_us   bigint NOT NULL
);
GRANT SELECT, INSERT ON audit TO ${svc_role};
GRANT USAGE ON SEQUENCE audit_id_seq TO ${svc_role};
