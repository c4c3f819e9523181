-- Nothing reads events by stream type: one index fewer for every append to maintain.
DROP INDEX IF EXISTS events_stream_type;
