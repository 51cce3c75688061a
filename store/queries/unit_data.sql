-- Everything the engine needs to score the units of one group in one
-- period: one row per recorded value (name = item code, with its stage)
-- and one per measured input (name = input name, stage NULL). A single
-- statement, so the result is one consistent snapshot. The units' names
-- are read apart, once per unit rather than once per row.
--
-- The group's units drive the join, each unit's rows then coming from the
-- indexes that begin with the unit: SQLite keeps the CROSS JOIN's order
-- (without statistics it would rather walk the whole period by its unique
-- index and seek every row's unit, several times slower on a large
-- province). PostgreSQL treats CROSS JOIN with its WHERE as a plain join.
-- The same text runs on both.
SELECT u.code AS unit_code, s.item_code AS name, s.stage, s.points AS value, s.na
FROM units u CROSS JOIN scores s
WHERE u.group_code = @group AND s.unit_code = u.code AND s.period_code = @period
UNION ALL
SELECT u.code, i.name, NULL, i.value, FALSE
FROM units u CROSS JOIN inputs i
WHERE u.group_code = @group AND i.unit_code = u.code AND i.period_code = @period
