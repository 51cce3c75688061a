-- Measured inputs get what points have: a version that every write
-- increases (so that a stale web edit is refused) and an append-only log of
-- every change, by the web or an import: units type the counts their
-- computed leaves read, and the secretariat corrects them.

-- +goose Up
ALTER TABLE inputs ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);

-- had_old is false for a first value.
CREATE TABLE input_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period_code TEXT NOT NULL REFERENCES periods (code),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    name        TEXT NOT NULL CHECK (name <> ''),
    had_old     BOOLEAN NOT NULL CHECK (had_old IN (0, 1)),
    old_value   TEXT,
    new_value   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL,
    CHECK ((had_old = 1) = (old_value IS NOT NULL))
);
CREATE INDEX input_changes_period_unit ON input_changes (period_code, unit_code, id);
CREATE INDEX input_changes_unit_code ON input_changes (unit_code);

-- +goose StatementBegin
CREATE TRIGGER input_changes_no_update BEFORE UPDATE ON input_changes
BEGIN
    SELECT RAISE(ABORT, 'input_changes is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER input_changes_no_delete BEFORE DELETE ON input_changes
BEGIN
    SELECT RAISE(ABORT, 'input_changes is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE input_changes;
ALTER TABLE inputs DROP COLUMN version;
