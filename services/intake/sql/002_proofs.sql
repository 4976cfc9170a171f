-- 002_proofs.sql - a unit proves it is the filing's unit with the secret
-- it was given when the filing was accepted; only its SHA-256 is kept.
ALTER TABLE filings ADD COLUMN unit_secret_sha256 text NOT NULL DEFAULT '';
