-- The office the message's connection authenticated as ('' without CURVE).
ALTER TABLE applied ADD COLUMN peer text NOT NULL DEFAULT '';
