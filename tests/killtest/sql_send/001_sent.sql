-- The sending test service's state: one row per generated message.
CREATE TABLE sent (
    seq        bigint PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
GRANT SELECT, INSERT ON sent TO ${svc_role};
