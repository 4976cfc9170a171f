-- 003_intake.sql - review tells the municipal intake where each case
-- stands (CaseDecided), so that the district that took the filing in
-- knows, and tells evaluation and cert when a case is accepted
-- (CaseAccepted); these are the versions of the last such messages.
ALTER TABLE cases ADD COLUMN intake_version bigint NOT NULL DEFAULT 0,
                  ADD COLUMN accepted_version bigint NOT NULL DEFAULT 0;
