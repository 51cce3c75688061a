-- Recorded points, measured inputs and the append-only log of changes to
-- points. A value is either points or "not applicable" (na, points NULL).

-- +goose Up
CREATE TABLE scores (
    id          INTEGER PRIMARY KEY,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    item_code   TEXT NOT NULL CHECK (item_code <> ''),
    stage       TEXT NOT NULL CHECK (stage IN ('self', 'appraisal', 'explanation', 'final')),
    points      TEXT,
    na          BOOLEAN NOT NULL DEFAULT 0 CHECK (na IN (0, 1)),
    comment     TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    updated_at  DATETIME NOT NULL,
    UNIQUE (period_code, unit_code, item_code, stage),
    CHECK ((na = 1 AND points IS NULL) OR (na = 0 AND points IS NOT NULL))
);
CREATE INDEX scores_unit_code ON scores (unit_code, period_code);

CREATE TABLE inputs (
    id          INTEGER PRIMARY KEY,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    name        TEXT NOT NULL CHECK (name <> ''),
    value       TEXT NOT NULL,
    author      TEXT NOT NULL DEFAULT '',
    updated_at  DATETIME NOT NULL,
    UNIQUE (period_code, unit_code, name)
);
CREATE INDEX inputs_unit_code ON inputs (unit_code, period_code);

-- had_old is false for a first value; new_points NULL with new_na false
-- means the value was removed.
CREATE TABLE score_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    item_code   TEXT NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('self', 'appraisal', 'explanation', 'final')),
    had_old     BOOLEAN NOT NULL CHECK (had_old IN (0, 1)),
    old_points  TEXT,
    old_na      BOOLEAN NOT NULL DEFAULT 0 CHECK (old_na IN (0, 1)),
    new_points  TEXT,
    new_na      BOOLEAN NOT NULL DEFAULT 0 CHECK (new_na IN (0, 1)),
    reason      TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL
);
CREATE INDEX score_changes_period_unit ON score_changes (period_code, unit_code, id);
CREATE INDEX score_changes_unit_code ON score_changes (unit_code);

-- The log is append-only: the database itself refuses to change or remove
-- an entry.
-- +goose StatementBegin
CREATE TRIGGER score_changes_no_update BEFORE UPDATE ON score_changes
BEGIN
    SELECT RAISE(ABORT, 'score_changes is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER score_changes_no_delete BEFORE DELETE ON score_changes
BEGIN
    SELECT RAISE(ABORT, 'score_changes is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE score_changes;
DROP TABLE inputs;
DROP TABLE scores;
