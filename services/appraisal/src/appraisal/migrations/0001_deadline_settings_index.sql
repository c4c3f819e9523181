-- Every weekly log and monthly summary reads its unit's latest deadline setting from the unit's
-- roster stream, which holds every roster change of the unit (55 events a unit in the demo, and
-- growing for years). Without this index the read walks the whole roster stream backwards; with
-- it, it reads one entry (200-event rosters beside 50,000 logs: 194 → 163 µs a load, round trip
-- included). Partial: appends of every other event type never touch it.
CREATE INDEX IF NOT EXISTS events_deadline_settings ON events (stream_id, version) WHERE type = 'DeadlinesConfigured';
