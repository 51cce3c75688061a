-- Programme targets (issue 6, domain.md §5): the measurable targets of a
-- province's reform programme per indicator and year, imported as one file
-- per programme. source holds the file as given; it is parsed again when
-- read, like a criteria set. Service statistics themselves are inputs.

-- +goose Up
CREATE TABLE programme_targets (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name       TEXT NOT NULL,
    source     BLOB NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE programme_targets;
