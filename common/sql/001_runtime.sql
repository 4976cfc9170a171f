-- 001_runtime.sql - the durable messaging runtime's tables, in every schema.
-- Runs as ${schema}_owner with search_path ${schema}.

-- Outgoing messages, written in the same transaction as the state change
-- that produced them. A row is sent while its lease is free, and is done
-- when the receiver acknowledged it (delivered_at) or refused it for good
-- (failed_reason).
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    message_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    dest           text NOT NULL,
    type           text NOT NULL,
    correlation_id text NOT NULL,
    case_version   bigint NOT NULL DEFAULT 0 CHECK (case_version >= 0),
    payload        bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts       integer NOT NULL DEFAULT 0,
    lease_until    timestamptz,
    delivered_at   timestamptz,
    failed_reason  text
);
CREATE INDEX outbox_pending ON outbox (dest, id)
    WHERE delivered_at IS NULL AND failed_reason IS NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO ${svc_role};
GRANT USAGE, SELECT ON SEQUENCE outbox_id_seq TO ${svc_role};

-- Every message id this schema has taken in, with what became of it.
CREATE TABLE inbox (
    message_id     uuid PRIMARY KEY,
    source         text NOT NULL,
    type           text NOT NULL,
    correlation_id text NOT NULL,
    case_version   bigint NOT NULL DEFAULT 0,
    status         text NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason         text,
    received_at    timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON inbox TO ${svc_role};

-- The last applied version of each case, per sending service.
CREATE TABLE inbox_case (
    source         text NOT NULL,
    correlation_id text NOT NULL,
    version        bigint NOT NULL,
    PRIMARY KEY (source, correlation_id)
);
GRANT SELECT, INSERT, UPDATE ON inbox_case TO ${svc_role};
