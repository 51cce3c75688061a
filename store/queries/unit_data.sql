-- Everything the engine needs to score the units of one group in one
-- period, one row per unit: its code and name, its recorded values and its
-- measured inputs, each list packed into one text by the database. A single
-- statement, so the result is one consistent snapshot.
--
-- Why packed: a driver's cost is per row and column (the pure-Go SQLite
-- driver looks up every text column's declared type on every row), so
-- 38,400 values of 200 units cost far more as 38,400 rows of five columns
-- than as 200 rows of four. Each unit's lists come from the indexes that
-- begin with the unit; Go splits them without copying (store/unitdata.go).
--
-- A value is  LEN ':' ITEM STAGE ':' POINTS ';'  where LEN is the byte
-- length of the item code (so that any code reads back whole), STAGE one of
-- the four stage names and POINTS empty when not applicable; an input is
--  LEN ':' NAME VALUE ';' . The lists are in no particular order. The same
-- text runs on both databases (string_agg: SQLite 3.44 and later).
SELECT u.code, u.name,
  (SELECT string_agg(CAST(octet_length(s.item_code) AS TEXT) || ':' || s.item_code || s.stage || ':'
          || coalesce(CAST(s.points AS TEXT), '') || ';', '')
   FROM scores s WHERE s.period_code = @period AND s.unit_code = u.code) AS points,
  (SELECT string_agg(CAST(octet_length(i.name) AS TEXT) || ':' || i.name || CAST(i.value AS TEXT) || ';', '')
   FROM inputs i WHERE i.period_code = @period AND i.unit_code = u.code) AS inputs
FROM units u
WHERE u.group_code = @group
