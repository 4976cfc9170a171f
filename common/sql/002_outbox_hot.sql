-- Room on every outbox page for a row's new versions: a claim changes only
-- lease_until and attempts (no indexed column), so with free space on the
-- row's page the update is HOT, writing no index entry (at fillfactor 100
-- nearly every claim wrote three: one per index of the table).
ALTER TABLE outbox SET (fillfactor = 50);
