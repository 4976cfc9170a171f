-- 002_region.sql - the region of the unit a case is about, so that an
-- office sees only the cases of its jurisdiction (experts see those of
-- the sessions they sit on).
ALTER TABLE cases ADD COLUMN region_code text NOT NULL DEFAULT '';
