-- Photos and evidence: stored durably beside the events that reference them by upload_id.
CREATE TABLE IF NOT EXISTS uploads (
    upload_id     text PRIMARY KEY,
    owner_id      text NOT NULL,
    owner_scopes  jsonb NOT NULL,
    filename      text NOT NULL,
    content_type  text NOT NULL,
    size          integer NOT NULL,
    sha256        text NOT NULL,
    content       bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS uploads_owner ON uploads (owner_id, created_at);
