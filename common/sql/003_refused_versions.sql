-- 003_refused_versions.sql - a refused version is the case's version all
-- the same (inbox_apply.c). Before, a refused version 1 left no
-- inbox_case row, so the case's next version was answered RETRY for ever;
-- each case is moved to the newest version the inbox recorded, applied or
-- refused (never back).
INSERT INTO inbox_case (source, correlation_id, version)
SELECT source, correlation_id, max(case_version)
FROM inbox WHERE case_version > 0
GROUP BY source, correlation_id
ON CONFLICT (source, correlation_id)
DO UPDATE SET version = greatest(inbox_case.version, EXCLUDED.version);
