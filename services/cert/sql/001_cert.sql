-- 001_cert.sql - the certificate service's records. Numbers, certificates,
-- revocations and published revocation lists are insert-only for the
-- service's role (GRANT SELECT, INSERT: never UPDATE or DELETE); a change
-- of a certificate's status is a new row. What moves is where each case
-- stands (cases) and the counters numbers are drawn from.

-- Where issuing stands for each accepted case (include/crt/fsm.h).
CREATE TABLE cases (
    tracking_id        text PRIMARY KEY,
    state              text NOT NULL CHECK (state IN
                         ('waiting', 'issuing', 'issued', 'revoked')),
    level              integer NOT NULL CHECK (level BETWEEN 2 AND 5),
    organ              text NOT NULL,   -- the public security organ's code
    district           text NOT NULL,   -- the office that took it in
    unit_credit_code   text NOT NULL,
    unit_name          text NOT NULL,
    system_name        text NOT NULL,
    region_code        text NOT NULL,
    unit_secret_sha256 text NOT NULL,
    accepted_on        date NOT NULL,
    accepted_version   bigint NOT NULL, -- review's count of acceptances
    decided_by         text NOT NULL,
    current_number     text,            -- the valid certificate (issued)
    pending_number     text,            -- allocated, not yet stored (issuing)
    lease_until        timestamptz,     -- an issuer signs it until then
    note               text NOT NULL DEFAULT '',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'issuing') = (pending_number IS NOT NULL)),
    CHECK ((state = 'issued') = (current_number IS NOT NULL))
);
CREATE INDEX cases_issuing ON cases (updated_at) WHERE state = 'issuing';
GRANT SELECT, INSERT, UPDATE ON cases TO ${svc_role};

-- Evaluation reports as the evaluation service concluded them.
CREATE TABLE evaluations (
    tracking_id    text NOT NULL,
    version        bigint NOT NULL CHECK (version >= 1), -- its count of reports
    level          integer NOT NULL,
    verdict        text NOT NULL CHECK (verdict IN
                     ('excellent', 'good', 'fair', 'poor')),
    score          integer NOT NULL,
    report_date    date NOT NULL,
    institution_id text NOT NULL,
    round          integer NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tracking_id, version)
);
GRANT SELECT, INSERT ON evaluations TO ${svc_role};

-- The next value of each sequence: 'unit:ORGAN' (units under an organ),
-- 'system:ORGAN:UNIT' (systems of a unit). Taken under the row's lock.
CREATE TABLE counters (
    scope text PRIMARY KEY,
    next  bigint NOT NULL CHECK (next >= 1)
);
GRANT SELECT, INSERT, UPDATE ON counters TO ${svc_role};

-- A unit's sequence under an organ: allocated once, reused for its later
-- systems.
CREATE TABLE units (
    organ            text NOT NULL,
    unit_credit_code text NOT NULL,
    unit_seq         bigint NOT NULL CHECK (unit_seq >= 1),
    allocated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organ, unit_credit_code),
    UNIQUE (organ, unit_seq)
);
GRANT SELECT, INSERT ON units TO ${svc_role};

-- A system's sequence among its unit's: allocated once per case.
CREATE TABLE systems (
    tracking_id  text PRIMARY KEY,
    organ        text NOT NULL,
    unit_seq     bigint NOT NULL,
    system_seq   bigint NOT NULL CHECK (system_seq >= 1),
    allocated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organ, unit_seq, system_seq)
);
GRANT SELECT, INSERT ON systems TO ${svc_role};

-- Every number ever allocated, with the fields it is signed with,
-- committed before anything is signed: never reused, never lost.
CREATE TABLE numbers (
    number           text PRIMARY KEY,
    tracking_id      text NOT NULL,
    organ            text NOT NULL,
    unit_seq         bigint NOT NULL,
    system_seq       bigint NOT NULL,
    level            integer NOT NULL CHECK (level BETWEEN 2 AND 5),
    unit_credit_code text NOT NULL,
    unit_name        text NOT NULL,
    system_name      text NOT NULL,
    issued_on        date NOT NULL,
    allocated_by     text NOT NULL,
    allocated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX numbers_case ON numbers (tracking_id);
GRANT SELECT, INSERT ON numbers TO ${svc_role};

-- The signed certificate of a number, stored once.
CREATE TABLE certificates (
    number      text PRIMARY KEY REFERENCES numbers,
    tracking_id text NOT NULL,
    key_id      text NOT NULL,
    alg         text NOT NULL CHECK (alg IN ('ed25519', 'sm2')),
    payload     text NOT NULL,  -- the QR payload: fields, digest, signature
    stored_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX certificates_case ON certificates (tracking_id, stored_at);
GRANT SELECT, INSERT ON certificates TO ${svc_role};

-- A certificate's revocation: once (a second request changes nothing).
CREATE TABLE revocations (
    number        text PRIMARY KEY REFERENCES certificates,
    revoked_on    date NOT NULL,
    reason        text NOT NULL CHECK (reason IN ('superseded', 'regraded',
                    'withdrawn', 'fraud', 'decommissioned')),
    superseded_by text REFERENCES numbers,
    revoked_by    text NOT NULL,
    note          text NOT NULL DEFAULT '',
    revoked_at    timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON revocations TO ${svc_role};

-- Every signed revocation list published (on a schedule, and with every
-- revocation); the latest is the one served.
CREATE TABLE revlists (
    id           bigserial PRIMARY KEY,
    as_of        text NOT NULL,  -- YYYY-MM-DDTHH:MM:SSZ
    key_id       text NOT NULL,
    entries      integer NOT NULL,
    body         text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON revlists TO ${svc_role};
GRANT USAGE ON SEQUENCE revlists_id_seq TO ${svc_role};
