-- Reminders sent through the notification port: one row per (recipient, kind, subject, period),
-- written before the send, so that a restart, a replica or a later pass never sends one twice.
CREATE TABLE reporting.reminders (
    recipient    text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('log_due', 'log_review', 'quarter_review', 'ticket_due')),
    subject      text NOT NULL,
    period       text NOT NULL,
    title        text NOT NULL,
    detail       text NOT NULL,
    link         text NOT NULL,
    due_at       timestamptz,
    recorded_at  timestamptz NOT NULL,
    channel      text,
    sent_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    PRIMARY KEY (recipient, kind, subject, period)
);
CREATE INDEX reminders_unsent ON reporting.reminders (recorded_at) WHERE sent_at IS NULL;
