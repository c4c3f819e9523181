-- Documents the reporting service issues: notices (通报) and bulletins (简报), numbered per year.
-- Their figures are frozen at issue time, with the stream positions they reflect.
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE TABLE reporting.notices (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('weekly', 'monthly', 'quarterly')),
    period       text NOT NULL,
    year         integer NOT NULL,
    number       integer NOT NULL,
    title        text NOT NULL,
    summary      text NOT NULL,
    sections     jsonb NOT NULL,
    positions    jsonb NOT NULL,
    generated_at timestamptz NOT NULL,
    generated_by text NOT NULL,
    UNIQUE (kind, period),
    UNIQUE (year, number)
);

CREATE TABLE reporting.bulletins (
    id           bigserial PRIMARY KEY,
    year         integer NOT NULL,
    issue        integer NOT NULL,
    title        text NOT NULL,
    issuer       text NOT NULL,
    issued_on    date NOT NULL,
    editor_note  text NOT NULL,
    sections     jsonb NOT NULL,
    distribution jsonb NOT NULL,
    positions    jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    UNIQUE (year, issue)
);
