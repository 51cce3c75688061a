-- Kiosks registered by the secretariat (issue 11): a kiosk at a one-stop
-- desk carries a device token in its link, and its submissions are limited
-- as a device, not by the address it shares with the citizens' phones. Only
-- the token's hash is kept; a revoked device stays listed.

-- +goose Up
CREATE TABLE survey_devices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES survey_campaigns (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    name        TEXT NOT NULL CHECK (name <> ''),
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    revoked_at  DATETIME
);
CREATE INDEX survey_devices_campaign ON survey_devices (campaign_id, id);
CREATE INDEX survey_devices_unit ON survey_devices (unit_code);

-- +goose Down
DROP TABLE survey_devices;
