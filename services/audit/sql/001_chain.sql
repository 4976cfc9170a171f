-- 001_chain.sql - the audit hash chain. Runs as audit_owner with
-- search_path audit; ${svc_role} is audit_svc.
--
-- One row per accepted AuditEvent, appended in seq order under an advisory
-- lock; hash = SHA-256 of prev_hash and the row's fields in the canonical
-- encoding described in services/audit/README.md. The service may read and
-- append, never change or remove: it is granted SELECT and INSERT only, and
-- a trigger refuses UPDATE, DELETE and TRUNCATE from anyone, the owner too.
CREATE TABLE chain (
    seq         bigint PRIMARY KEY CHECK (seq > 0),
    event_id    uuid NOT NULL UNIQUE,
    service     text NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    case_id     text NOT NULL,
    outcome     text NOT NULL,
    office      text NOT NULL,
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    prev_hash   text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX chain_case ON chain (case_id, seq);

REVOKE ALL ON chain FROM PUBLIC;
GRANT SELECT, INSERT ON chain TO ${svc_role};

CREATE FUNCTION chain_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.chain is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION chain_append_only() FROM PUBLIC;
CREATE TRIGGER chain_no_update_delete BEFORE UPDATE OR DELETE ON chain
    FOR EACH ROW EXECUTE FUNCTION chain_append_only();
CREATE TRIGGER chain_no_truncate BEFORE TRUNCATE ON chain
    FOR EACH STATEMENT EXECUTE FUNCTION chain_append_only();
