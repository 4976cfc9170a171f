-- 004_system_index.sql - the lookup of a system's first filing
-- (itk_store_by_system: system_key = $1 [AND district = $2] ORDER BY
-- received_at LIMIT 1) reads one index in order. With the key's index
-- alone, a table without statistics yet (a new office's first import:
-- autovacuum's ANALYZE comes a minute later) made the planner AND it with
-- the district's index, a bitmap of every filing of the district: 4-13 ms
-- a record at 10,000.
CREATE INDEX filings_system ON filings (system_key, received_at);
DROP INDEX filings_system_key;
