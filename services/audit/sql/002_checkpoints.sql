-- 002_checkpoints.sql - signed checkpoints of the chain (aud/anchor.h).
-- Runs as audit_owner with search_path audit; ${svc_role} is audit_svc.
--
-- Now and then the service signs the chain's last record (seq, hash) with
-- an Ed25519 key kept outside the database; rewriting a record under a
-- checkpoint would need that key. Append-only, like the chain.
CREATE TABLE checkpoints (
    seq          bigint PRIMARY KEY CHECK (seq > 0),
    hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    signed_at_us bigint NOT NULL,
    key_id       text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    signature    text NOT NULL CHECK (signature ~ '^[0-9a-f]{128}$')
);

REVOKE ALL ON checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON checkpoints TO ${svc_role};

CREATE FUNCTION checkpoints_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.checkpoints is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION checkpoints_append_only() FROM PUBLIC;
CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE
    ON checkpoints FOR EACH ROW EXECUTE FUNCTION checkpoints_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION checkpoints_append_only();
