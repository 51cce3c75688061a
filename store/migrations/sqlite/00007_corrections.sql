-- Corrections of a published result, and readiness to publish. A
-- publication records why it was made (the reason of a correction, the
-- committee's reason to publish a period that was not ready, and the
-- readiness report at the time). A published period is reopened for a
-- correction by a row of corrections naming the publication it corrects:
-- the correction stays open until the next publication, so nothing is ever
-- updated. The signed decision (a PDF, stored outside the database by its
-- SHA-256) can be attached to a publication afterwards; the latest
-- attached is the one shown.

-- +goose Up
ALTER TABLE publications ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN readiness BLOB NOT NULL DEFAULT x'';

CREATE TABLE corrections (
    period_code TEXT NOT NULL,
    publication INTEGER NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    opened_by   TEXT NOT NULL DEFAULT '',
    opened_at   DATETIME NOT NULL,
    PRIMARY KEY (period_code, publication),
    FOREIGN KEY (period_code, publication) REFERENCES publications (period_code, number)
);

CREATE TABLE publication_decisions (
    id          INTEGER PRIMARY KEY,
    period_code TEXT NOT NULL,
    publication INTEGER NOT NULL,
    file_name   TEXT NOT NULL CHECK (file_name <> ''),
    size        INTEGER NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by TEXT NOT NULL DEFAULT '',
    uploaded_at DATETIME NOT NULL,
    FOREIGN KEY (period_code, publication) REFERENCES publications (period_code, number)
);
CREATE INDEX publication_decisions_publication ON publication_decisions (period_code, publication, id);

-- Both are records of what was decided: append-only, like publications.
-- +goose StatementBegin
CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections
BEGIN
    SELECT RAISE(ABORT, 'corrections is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections
BEGIN
    SELECT RAISE(ABORT, 'corrections is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER publication_decisions_no_update BEFORE UPDATE ON publication_decisions
BEGIN
    SELECT RAISE(ABORT, 'publication_decisions is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER publication_decisions_no_delete BEFORE DELETE ON publication_decisions
BEGIN
    SELECT RAISE(ABORT, 'publication_decisions is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE publication_decisions;
DROP TABLE corrections;
ALTER TABLE publications DROP COLUMN readiness;
ALTER TABLE publications DROP COLUMN override_reason;
ALTER TABLE publications DROP COLUMN reason;
