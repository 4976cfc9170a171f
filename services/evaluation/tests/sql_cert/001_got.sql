-- 001_got.sql - what the stand-in cert service took in (evaluation tests).
CREATE TABLE got (
    id             bigserial PRIMARY KEY,
    source         text NOT NULL,
    tracking_id    text NOT NULL,
    case_version   bigint NOT NULL,
    level          integer NOT NULL,
    institution_id text NOT NULL,
    report_date    text NOT NULL,
    score          integer NOT NULL,
    verdict        text NOT NULL,
    round          integer NOT NULL,
    next_due       text NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
GRANT SELECT, INSERT ON got TO ${svc_role};
GRANT USAGE ON SEQUENCE got_id_seq TO ${svc_role};
