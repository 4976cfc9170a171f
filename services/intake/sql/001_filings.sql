-- 001_filings.sql - the intake service's state.

-- One row per accepted filing. content_sha256 is the digest of the packed
-- Filing: the same submission sent again finds its row and changes nothing.
CREATE TABLE filings (
    tracking_id      text PRIMARY KEY,
    content_sha256   text NOT NULL UNIQUE,
    office           text NOT NULL,
    unit_credit_code text NOT NULL,
    unit_name        text NOT NULL,
    region_code      text NOT NULL,
    sector           text NOT NULL,
    system_name      text NOT NULL,
    final_level      integer NOT NULL CHECK (final_level BETWEEN 2 AND 5),
    received_on      date NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    filing           bytea NOT NULL,
    -- version of the last message sent to review about this case
    case_version     bigint NOT NULL DEFAULT 1
);
CREATE INDEX filings_office ON filings (office, received_on);
CREATE SEQUENCE tracking_seq;
GRANT SELECT, INSERT ON filings TO ${svc_role};
GRANT UPDATE (case_version) ON filings TO ${svc_role};
GRANT USAGE ON SEQUENCE tracking_seq TO ${svc_role};

-- What a unit sent after the filing: supplemented materials, or its
-- statement that it keeps its level after a C reply.
CREATE TABLE case_actions (
    id             bigserial PRIMARY KEY,
    tracking_id    text NOT NULL REFERENCES filings,
    kind           text NOT NULL CHECK (kind IN ('supplement', 'insist')),
    content_sha256 text NOT NULL,
    received_on    date NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tracking_id, kind, content_sha256)
);
GRANT SELECT, INSERT ON case_actions TO ${svc_role};
GRANT USAGE ON SEQUENCE case_actions_id_seq TO ${svc_role};
