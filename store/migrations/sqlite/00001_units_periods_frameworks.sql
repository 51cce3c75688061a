-- Units and their groups, assessment periods, and criteria sets.
-- Decimals are TEXT so that they round-trip exactly ("0.1" stays 0.1).

-- +goose Up
CREATE TABLE unit_groups (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name TEXT NOT NULL
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name        TEXT NOT NULL,
    group_code  TEXT NOT NULL REFERENCES unit_groups (code),
    parent_code TEXT REFERENCES units (code),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    CHECK (parent_code IS NULL OR parent_code <> code)
);
CREATE INDEX units_group_code ON units (group_code, code);
CREATE INDEX units_parent_code ON units (parent_code);

CREATE TABLE periods (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name       TEXT NOT NULL,
    phase      TEXT NOT NULL DEFAULT 'draft'
               CHECK (phase IN ('draft', 'self_assessment', 'appraisal', 'explanation', 'final_appraisal', 'published')),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

-- source holds the criteria set file as given; it is parsed again when the
-- set is loaded. version increases each time the set is replaced.
CREATE TABLE frameworks (
    id             INTEGER PRIMARY KEY,
    period_code    TEXT NOT NULL REFERENCES periods (code),
    group_code     TEXT NOT NULL REFERENCES unit_groups (code),
    name           TEXT NOT NULL,
    not_applicable TEXT NOT NULL CHECK (not_applicable IN ('renormalize', 'full_credit')),
    source         BLOB NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    UNIQUE (period_code, group_code)
);
CREATE INDEX frameworks_group_code ON frameworks (group_code, period_code);

-- One row per item of a set, for reporting in SQL. position is the item's
-- place in document order (1, 2, ...); depth is 1 for top-level items;
-- method is empty for a group.
CREATE TABLE framework_items (
    id           INTEGER PRIMARY KEY,
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    parent_code  TEXT,
    position     INTEGER NOT NULL,
    depth        INTEGER NOT NULL CHECK (depth > 0),
    name         TEXT NOT NULL,
    method       TEXT NOT NULL DEFAULT '',
    max          TEXT NOT NULL,
    metric       TEXT NOT NULL DEFAULT '',
    UNIQUE (framework_id, code),
    UNIQUE (framework_id, position)
);

-- +goose Down
DROP TABLE framework_items;
DROP TABLE frameworks;
DROP TABLE periods;
DROP TABLE units;
DROP TABLE unit_groups;
