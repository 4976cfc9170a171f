-- 003_hierarchy.sql - the office hierarchy: a district's intake forwards
-- its filings upward in batches and sends monthly aggregates; the
-- municipal intake takes them in (each filing knows its district and its
-- batch), reconciles each aggregate with what it received, holds possible
-- duplicates, and tells each district where its cases stand.

ALTER TABLE filings
    -- the office that took the filing in: this one, or (at the municipal
    -- office) the district that forwarded it
    ADD COLUMN district text NOT NULL DEFAULT '',
    -- municipal: the batch it came in; district: the last it went in
    ADD COLUMN batch_id text,
    -- 1, 2, ...: a changed record of a district's data is a new revision
    ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
    -- district: the revision last put in a batch (0: not yet forwarded)
    ADD COLUMN forwarded_revision integer NOT NULL DEFAULT 0,
    -- the unit's credit code and the normalized system name: the same
    -- system, for imports (a record's identity) and duplicates
    ADD COLUMN system_key text NOT NULL DEFAULT '',
    -- where it stands: received (here), forwarded (a district's, in a
    -- batch), held (a possible duplicate), duplicate (closed), or review's
    -- state as review last said (pending, accepted, incomplete, panel, ...)
    ADD COLUMN state text NOT NULL DEFAULT 'received',
    ADD COLUMN outcome text NOT NULL DEFAULT '',
    ADD COLUMN level integer NOT NULL DEFAULT 0,
    -- district: what the municipal office's receipt said of it
    ADD COLUMN upstream text NOT NULL DEFAULT '',
    ADD COLUMN upstream_reason text NOT NULL DEFAULT '',
    -- municipal: the version of the last message to the district about it
    ADD COLUMN district_version bigint NOT NULL DEFAULT 0,
    -- district: the version of the last message upstream about it (a
    -- unit's later action, relayed)
    ADD COLUMN upstream_version bigint NOT NULL DEFAULT 0;
UPDATE filings SET district = office WHERE district = '';
-- The same submission is one filing per office that took it in; two
-- districts may send the same content (a possible duplicate, held).
ALTER TABLE filings DROP CONSTRAINT filings_content_sha256_key;
CREATE UNIQUE INDEX filings_content ON filings (district, content_sha256);
GRANT UPDATE (batch_id, revision, forwarded_revision, system_key, state,
              outcome, level, upstream, upstream_reason, district_version,
              upstream_version,
              content_sha256, filing, unit_name, sector, system_name,
              final_level, region_code)
    ON filings TO ${svc_role};
CREATE INDEX filings_unforwarded ON filings (received_at)
    WHERE forwarded_revision < revision;
CREATE INDEX filings_system_key ON filings (system_key);
CREATE INDEX filings_district_month ON filings (district, received_on);

-- The batches this office sent (a district) or received (municipal).
CREATE TABLE batches (
    batch_id   text PRIMARY KEY,
    district   text NOT NULL,
    filings    integer NOT NULL,
    sent_on    date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE batch_seq;
GRANT SELECT, INSERT ON batches TO ${svc_role};
GRANT USAGE ON SEQUENCE batch_seq TO ${svc_role};

-- Municipal: what became of each record of each batch received.
CREATE TABLE batch_records (
    batch_id    text NOT NULL,
    tracking_id text NOT NULL,
    revision    integer NOT NULL,
    status      text NOT NULL CHECK (status IN
                  ('imported', 'updated', 'ignored', 'held', 'rejected')),
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, tracking_id)
);
GRANT SELECT, INSERT ON batch_records TO ${svc_role};

-- Monthly aggregates: every revision kept (a resend replaces the earlier
-- one for reconciliation; the first one's arrival decides on time). A
-- district keeps the ones it sent (received_us: when it sent them).
-- Times in microseconds since the epoch, on each office's clock.
CREATE TABLE aggregates (
    district    text NOT NULL,
    month       text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    revision    integer NOT NULL CHECK (revision >= 1),
    made_us     bigint NOT NULL,
    received_us bigint NOT NULL,
    filings     integer NOT NULL,
    batches     integer NOT NULL,
    aggregate   bytea NOT NULL, -- the MonthlyAggregate (protobuf)
    PRIMARY KEY (district, month, revision)
);
GRANT SELECT, INSERT ON aggregates TO ${svc_role};

-- Municipal: each filing's stage over time (filed, held, duplicate, then
-- review's states), so that an aggregate is reconciled with the states as
-- they were when it arrived.
CREATE TABLE filing_states (
    id          bigserial PRIMARY KEY,
    tracking_id text NOT NULL,
    state       text NOT NULL,
    at_us       bigint NOT NULL
);
CREATE INDEX filing_states_of ON filing_states (tracking_id, at_us);
GRANT SELECT, INSERT ON filing_states TO ${svc_role};
GRANT USAGE ON SEQUENCE filing_states_id_seq TO ${svc_role};

-- Municipal: a filing held as a possible duplicate of another, and what
-- an office decided.
CREATE TABLE duplicates (
    tracking_id       text PRIMARY KEY REFERENCES filings,
    other_tracking_id text NOT NULL,
    state             text NOT NULL DEFAULT 'held'
                        CHECK (state IN ('held', 'duplicate', 'distinct')),
    decided_by        text NOT NULL DEFAULT '',
    reason            text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz
);
GRANT SELECT, INSERT, UPDATE ON duplicates TO ${svc_role};
