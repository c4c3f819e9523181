-- The event store is the outbox: nothing else is written twice.
CREATE TABLE IF NOT EXISTS events (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's id: readers take only transactions older than every running one,
    -- so an append that commits after a later-numbered one is never skipped.
    tx_id           bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_type     text NOT NULL,
    version         integer NOT NULL CHECK (version > 0),
    type            text NOT NULL,
    schema_version  integer NOT NULL,
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (stream_id, version)
);
CREATE INDEX IF NOT EXISTS events_commit_order ON events (tx_id, position);
CREATE INDEX IF NOT EXISTS events_stream_type ON events (stream_type, position);

CREATE TABLE IF NOT EXISTS relay_checkpoints (
    relay      text PRIMARY KEY,
    tx_id      bigint NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    status_code  integer NOT NULL,
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projection  text NOT NULL,
    source      text NOT NULL,
    sequence    bigint NOT NULL,
    tx_id       bigint NOT NULL DEFAULT 0,
    position    bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, source)
);

CREATE TABLE IF NOT EXISTS projection_status (
    projection  text PRIMARY KEY,
    state       text NOT NULL DEFAULT 'running',
    error       text,
    unknown_events bigint NOT NULL DEFAULT 0,
    rebuilt_at  timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS dead_letters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection  text NOT NULL,
    source      text NOT NULL,
    sequence    bigint NOT NULL,
    event_id    uuid NOT NULL,
    event_type  text NOT NULL,
    envelope    jsonb NOT NULL,
    error       text NOT NULL,
    attempts    integer NOT NULL,
    state       text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'retried', 'skipped')),
    parked_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    UNIQUE (projection, event_id)
);

CREATE TABLE IF NOT EXISTS calendar_days (
    day         date PRIMARY KEY,
    is_workday  boolean NOT NULL,
    name        text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT 'admin',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS calendar_years (
    year        integer PRIMARY KEY,
    source      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
