-- The receiving test service's effects. No unique key on purpose: a message
-- applied twice shows up here as two rows.
CREATE TABLE applied (
    seq        bigint NOT NULL,
    message_id uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
GRANT SELECT, INSERT ON applied TO ${svc_role};
