-- Everything the engine needs to score the units of one group in one
-- period: one row per recorded value (kind 's', name = item code) and one
-- per measured input (kind 'i', name = input name), each with its unit's
-- name. A single statement, so the result is one consistent snapshot; the
-- unique indexes on scores and inputs, which begin with the period and the
-- unit, serve both halves. The same text runs on SQLite and PostgreSQL.
SELECT u.code AS unit_code, u.name AS unit_name, 's' AS kind,
       s.item_code AS name, s.stage AS stage, s.points AS value, s.na AS na
FROM scores s
JOIN units u ON u.code = s.unit_code
WHERE s.period_code = @period AND u.group_code = @group
UNION ALL
SELECT u.code, u.name, 'i', i.name, NULL, i.value, FALSE
FROM inputs i
JOIN units u ON u.code = i.unit_code
WHERE i.period_code = @period AND u.group_code = @group
