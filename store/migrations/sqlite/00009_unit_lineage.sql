-- Unit lineage (contract.md, "Unit lineage"): how units continue across
-- periods — renames, mergers (with optional weights), splits — one row per
-- predecessor → successor link, and an append-only log of every change to
-- the links, by an import or the secretariat's page.

-- +goose Up
-- weight is NULL when the successor's predecessors count equally.
CREATE TABLE unit_lineage (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    from_period TEXT NOT NULL CHECK (from_period <> ''),
    from_unit   TEXT NOT NULL REFERENCES units (code),
    to_period   TEXT NOT NULL CHECK (to_period <> ''),
    to_unit     TEXT NOT NULL REFERENCES units (code),
    weight      TEXT,
    author      TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (from_period, from_unit, to_period, to_unit)
);
CREATE INDEX unit_lineage_to_unit ON unit_lineage (to_unit);
CREATE INDEX unit_lineage_from_unit ON unit_lineage (from_unit);

-- action is add, update or delete; old_weight and new_weight are NULL for
-- equal weights (and new_weight for a deletion).
CREATE TABLE unit_lineage_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    from_period TEXT NOT NULL,
    from_unit   TEXT NOT NULL,
    to_period   TEXT NOT NULL,
    to_unit     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('add', 'update', 'delete')),
    old_weight  TEXT,
    new_weight  TEXT,
    author      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER unit_lineage_changes_no_update BEFORE UPDATE ON unit_lineage_changes
BEGIN
    SELECT RAISE(ABORT, 'unit_lineage_changes is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER unit_lineage_changes_no_delete BEFORE DELETE ON unit_lineage_changes
BEGIN
    SELECT RAISE(ABORT, 'unit_lineage_changes is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE unit_lineage_changes;
DROP TABLE unit_lineage;
