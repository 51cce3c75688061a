-- Surveys where the answers are (issue 14): offline collection, interviewers,
-- channels, opening hours.
--
-- * A response may carry the key its device made (submission_key): a
--   repeat with the same key stores nothing new. A keyed submission the
--   server refused (a used code, a closed survey…) is remembered in
--   survey_refusals, so that its repeat is refused the same way.
-- * answered_at is when the device says the questionnaire was answered (an
--   answer queued offline arrives later); NULL when it arrived at once.
-- * Interviewers (điều tra viên) are an account kind of a survey: a name, a
--   personal sign-in link (only its token's hash is kept), the units they
--   survey with a quota each. Their answers name them (interviewer_id).
-- * Channels: a public answer carrying a one-time code is of channel
--   'code', one carrying a dossier number 'dossier'; 'interviewer' is new.
-- * opening_hours: the desks' opening hours of a survey ('' = the
--   province's default), for the flag of answers given outside them.
--
-- SQLite cannot change a CHECK constraint in place: survey_responses is
-- rebuilt as its documentation prescribes (foreign keys off, a new table,
-- copy, drop, rename), which needs foreign keys off and so a migration
-- outside goose's transaction: the whole step commits in one transaction of
-- its own, on goose's one connection, and goose records the version after.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;

-- +goose StatementBegin
BEGIN IMMEDIATE;

ALTER TABLE survey_campaigns ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '';

CREATE TABLE survey_interviewers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES survey_campaigns (id),
    name        TEXT NOT NULL CHECK (name <> ''),
    phone       TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    revoked_at  DATETIME
);
CREATE INDEX survey_interviewers_campaign ON survey_interviewers (campaign_id, id);

CREATE TABLE survey_interviewer_units (
    interviewer_id INTEGER NOT NULL REFERENCES survey_interviewers (id) ON DELETE CASCADE,
    unit_code      TEXT NOT NULL REFERENCES units (code),
    quota          INTEGER NOT NULL DEFAULT 0 CHECK (quota >= 0),
    PRIMARY KEY (interviewer_id, unit_code)
);
CREATE INDEX survey_interviewer_units_unit ON survey_interviewer_units (unit_code);

CREATE TABLE survey_refusals (
    campaign_id    INTEGER NOT NULL REFERENCES survey_campaigns (id),
    submission_key TEXT NOT NULL CHECK (submission_key <> ''),
    reason         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    at             DATETIME NOT NULL,
    PRIMARY KEY (campaign_id, submission_key)
);

CREATE TABLE survey_responses_new (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES survey_campaigns (id),
    unit_code      TEXT NOT NULL REFERENCES units (code),
    channel        TEXT NOT NULL
                   CHECK (channel IN ('web', 'kiosk', 'code', 'dossier', 'interviewer', 'paper', 'import', 'api')),
    answers        TEXT NOT NULL,
    texts          TEXT NOT NULL DEFAULT '',
    client_hash    TEXT NOT NULL DEFAULT '',
    duration_ms    INTEGER,
    status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'flagged', 'rejected')),
    flags          TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    submitted_at   DATETIME NOT NULL,
    submission_key TEXT CHECK (submission_key <> ''),
    answered_at    DATETIME,
    interviewer_id INTEGER REFERENCES survey_interviewers (id)
);
INSERT INTO survey_responses_new (id, campaign_id, unit_code, channel, answers, texts, client_hash, duration_ms,
    status, flags, author, submitted_at)
SELECT r.id, r.campaign_id, r.unit_code,
       CASE WHEN r.channel IN ('web', 'kiosk', 'api') AND c.kind = 'dossier' THEN 'dossier'
            WHEN r.channel IN ('web', 'kiosk', 'api') AND c.kind = 'paper' THEN 'code'
            ELSE r.channel END,
       r.answers, r.texts, r.client_hash, r.duration_ms, r.status, r.flags, r.author, r.submitted_at
FROM survey_responses r LEFT JOIN survey_codes c ON c.response_id = r.id;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;

-- Covering: the indices are computed from this index alone.
CREATE INDEX survey_responses_campaign ON survey_responses (campaign_id, status, unit_code, answers);
CREATE INDEX survey_responses_client ON survey_responses (campaign_id, client_hash, submitted_at);
CREATE INDEX survey_responses_unit ON survey_responses (unit_code);
-- A key is stored once per survey (NULLs, answers without a key, are distinct).
CREATE UNIQUE INDEX survey_responses_key ON survey_responses (campaign_id, submission_key);
-- The export reads a survey's responses in id order without sorting them.
CREATE INDEX survey_responses_export ON survey_responses (campaign_id, id);
CREATE INDEX survey_responses_interviewer ON survey_responses (interviewer_id);

COMMIT;
-- +goose StatementEnd

PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;

-- +goose StatementBegin
BEGIN IMMEDIATE;
CREATE TABLE survey_responses_old (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES survey_campaigns (id),
    unit_code    TEXT NOT NULL REFERENCES units (code),
    channel      TEXT NOT NULL CHECK (channel IN ('web', 'kiosk', 'api', 'paper', 'import')),
    answers      TEXT NOT NULL,
    texts        TEXT NOT NULL DEFAULT '',
    client_hash  TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER,
    status       TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'flagged', 'rejected')),
    flags        TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    submitted_at DATETIME NOT NULL
);
INSERT INTO survey_responses_old
SELECT id, campaign_id, unit_code,
       CASE WHEN channel IN ('code', 'dossier') THEN 'web' WHEN channel = 'interviewer' THEN 'paper' ELSE channel END,
       answers, texts, client_hash, duration_ms, status, flags, author, submitted_at
FROM survey_responses;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_old RENAME TO survey_responses;
CREATE INDEX survey_responses_campaign ON survey_responses (campaign_id, status, unit_code, answers);
CREATE INDEX survey_responses_client ON survey_responses (campaign_id, client_hash, submitted_at);
CREATE INDEX survey_responses_unit ON survey_responses (unit_code);
DROP TABLE survey_refusals;
DROP TABLE survey_interviewer_units;
DROP TABLE survey_interviewers;
ALTER TABLE survey_campaigns DROP COLUMN opening_hours;
COMMIT;
-- +goose StatementEnd

PRAGMA foreign_keys = ON;
