-- Satisfaction surveys (issue 4): instruments per period, campaigns and the
-- units they cover, one-time codes (only their hashes), responses and the
-- append-only trail of review decisions.
--
-- A response's answers are stored compactly: one character per question of
-- the instrument in order ('0' no answer, '1'..'9' the value), the text
-- answers as a JSON object. An instrument cannot change once a campaign
-- using it has opened, so the positions keep their meaning.

-- +goose Up
CREATE TABLE survey_instruments (
    id          INTEGER PRIMARY KEY,
    period_code TEXT NOT NULL REFERENCES periods (code),
    code        TEXT NOT NULL CHECK (code <> ''),
    name        TEXT NOT NULL,
    source      BLOB NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (period_code, code)
);

CREATE TABLE survey_campaigns (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name          TEXT NOT NULL,
    period_code   TEXT NOT NULL REFERENCES periods (code),
    instrument_id INTEGER NOT NULL REFERENCES survey_instruments (id),
    state         TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    formula       TEXT NOT NULL DEFAULT 'share' CHECK (formula IN ('share', 'mean')),
    margin        TEXT NOT NULL DEFAULT '0.05',
    require_code  BOOLEAN NOT NULL DEFAULT 0 CHECK (require_code IN (0, 1)),
    salt          TEXT NOT NULL,
    -- revision increases with every change of the campaign, its units or
    -- its instrument, so that a cached copy can be checked cheaply.
    revision      INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX survey_campaigns_period ON survey_campaigns (period_code);
CREATE INDEX survey_campaigns_instrument ON survey_campaigns (instrument_id);

CREATE TABLE survey_campaign_units (
    campaign_id  INTEGER NOT NULL REFERENCES survey_campaigns (id) ON DELETE CASCADE,
    unit_code    TEXT NOT NULL REFERENCES units (code),
    transactions INTEGER NOT NULL DEFAULT 0 CHECK (transactions >= 0),
    PRIMARY KEY (campaign_id, unit_code)
);
CREATE INDEX survey_campaign_units_unit ON survey_campaign_units (unit_code);

CREATE TABLE survey_responses (
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
-- Covering: the indices are computed from this index alone.
CREATE INDEX survey_responses_campaign ON survey_responses (campaign_id, status, unit_code, answers);
CREATE INDEX survey_responses_client ON survey_responses (campaign_id, client_hash, submitted_at);
CREATE INDEX survey_responses_unit ON survey_responses (unit_code);

-- A code works once: used_at and response_id are set together, by the
-- submission that uses it.
CREATE TABLE survey_codes (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES survey_campaigns (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    kind        TEXT NOT NULL CHECK (kind IN ('paper', 'dossier')),
    code_hash   TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    used_at     DATETIME,
    response_id INTEGER REFERENCES survey_responses (id),
    UNIQUE (campaign_id, code_hash),
    CHECK ((used_at IS NULL) = (response_id IS NULL))
);
CREATE INDEX survey_codes_unit ON survey_codes (campaign_id, unit_code);
CREATE INDEX survey_codes_response ON survey_codes (response_id);

CREATE TABLE survey_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    response_id INTEGER NOT NULL REFERENCES survey_responses (id),
    old_status  TEXT NOT NULL,
    new_status  TEXT NOT NULL CHECK (new_status IN ('valid', 'flagged', 'rejected')),
    reason      TEXT NOT NULL,
    author      TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL
);
CREATE INDEX survey_reviews_response ON survey_reviews (response_id, id);

-- +goose StatementBegin
CREATE TRIGGER survey_reviews_no_update BEFORE UPDATE ON survey_reviews
BEGIN
    SELECT RAISE(ABORT, 'survey_reviews is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER survey_reviews_no_delete BEFORE DELETE ON survey_reviews
BEGIN
    SELECT RAISE(ABORT, 'survey_reviews is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE survey_reviews;
DROP TABLE survey_codes;
DROP TABLE survey_responses;
DROP TABLE survey_campaign_units;
DROP TABLE survey_campaigns;
DROP TABLE survey_instruments;
