-- Accounts and login sessions, and the assessment workflow: versions of
-- recorded points (for stale-edit detection), phase deadlines, submissions,
-- appraisers' assignments, evidence documents, publications and reminders.

-- +goose Up
-- An officer is bound to exactly one unit; no other role is.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE CHECK (username <> ''),
    name                TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'appraiser', 'committee')),
    unit_code           TEXT REFERENCES units (code),
    password_hash       TEXT NOT NULL,
    disabled            BOOLEAN NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at          DATETIME NOT NULL,
    password_changed_at DATETIME NOT NULL,
    CHECK ((role = 'officer' AND unit_code IS NOT NULL) OR (role <> 'officer' AND unit_code IS NULL))
);
CREATE INDEX users_unit_code ON users (unit_code);

-- token_hash is the SHA-256 of the cookie's token, never the token itself.
CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY CHECK (token_hash <> ''),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    last_seen  DATETIME NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- version increases with every write of a value, by the web or an import,
-- so that an edit made on a stale copy is detected. Existing values get 1.
ALTER TABLE scores ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);

CREATE TABLE period_deadlines (
    period_code TEXT NOT NULL REFERENCES periods (code),
    phase       TEXT NOT NULL
                CHECK (phase IN ('draft', 'self_assessment', 'appraisal', 'explanation', 'final_appraisal', 'published')),
    due_at      DATETIME NOT NULL,
    PRIMARY KEY (period_code, phase)
);

-- count is how many times the unit has submitted; submitted_at is NULL
-- until the first submission.
CREATE TABLE submissions (
    period_code  TEXT NOT NULL REFERENCES periods (code),
    unit_code    TEXT NOT NULL REFERENCES units (code),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    submitted_at DATETIME,
    submitted_by TEXT NOT NULL DEFAULT '',
    count        INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (period_code, unit_code)
);
CREATE INDEX submissions_unit_code ON submissions (unit_code);

-- A NULL unit_code means every unit (NULL keeps the foreign key sound); an
-- empty field means every field. The unique index treats NULL units as
-- equal, which a plain UNIQUE constraint would not.
CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT REFERENCES units (code),
    field       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX assignments_unique ON assignments (user_id, period_code, COALESCE(unit_code, ''), field);
CREATE INDEX assignments_period_code ON assignments (period_code);
CREATE INDEX assignments_unit_code ON assignments (unit_code);

-- The documents themselves live outside the database, named by sha256.
CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    period_code  TEXT NOT NULL REFERENCES periods (code),
    unit_code    TEXT NOT NULL REFERENCES units (code),
    item_code    TEXT NOT NULL CHECK (item_code <> ''),
    stage        TEXT NOT NULL CHECK (stage IN ('self', 'explanation')),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by  TEXT NOT NULL DEFAULT '',
    uploaded_at  DATETIME NOT NULL
);
CREATE INDEX evidence_period_unit ON evidence (period_code, unit_code, id);
CREATE INDEX evidence_unit_code ON evidence (unit_code);

-- A published result: the decision, and the frozen data (snapshot) and
-- results document it was computed from, both as given (JSON).
CREATE TABLE publications (
    period_code   TEXT NOT NULL REFERENCES periods (code),
    number        INTEGER NOT NULL CHECK (number > 0),
    decision_no   TEXT NOT NULL CHECK (decision_no <> ''),
    decision_date DATE NOT NULL,
    approved_by   TEXT NOT NULL DEFAULT '',
    published_at  DATETIME NOT NULL,
    snapshot      BLOB NOT NULL,
    document      BLOB NOT NULL,
    PRIMARY KEY (period_code, number)
);

-- What was published stays as it was published: the database itself
-- refuses to change or remove a publication.
-- +goose StatementBegin
CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications
BEGIN
    SELECT RAISE(ABORT, 'publications is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications
BEGIN
    SELECT RAISE(ABORT, 'publications is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    message     TEXT NOT NULL CHECK (message <> ''),
    author      TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL
);
CREATE INDEX reminders_period_unit ON reminders (period_code, unit_code);
CREATE INDEX reminders_unit_code ON reminders (unit_code);

-- +goose Down
DROP TABLE reminders;
DROP TABLE publications;
DROP TABLE evidence;
DROP TABLE assignments;
DROP TABLE submissions;
DROP TABLE period_deadlines;
ALTER TABLE scores DROP COLUMN version;
DROP TABLE sessions;
DROP TABLE users;
