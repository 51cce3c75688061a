-- Accounts created in bulk (issue 13) get a first password from the
-- secretariat, handed out on paper; a password reset by the secretariat is
-- the same. Its owner must choose their own at the first login: the flag
-- says so, and changing one's own password clears it.

-- +goose Up
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
