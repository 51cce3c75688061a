-- The floor of a public survey submission on PostgreSQL: one single-row
-- INSERT into survey_responses, committed on its own (autocommit), with
-- the columns the server writes for an answer of the API (SIPAS, 100
-- units). Run by scripts/perf/submissions.sh:
--   pgbench -n -c CLIENTS -j 2 -T SECONDS -D campaign=ID -f scripts/perf/submit-floor.sql DB
\set unit random(0, 99)
\set client random(1, 1000000000)
INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at)
VALUES (:campaign, 'U' || lpad(:unit::text, 3, '0'), 'api', '4534553445.54.4534', '', md5(:client::text), 'valid', '', '', now());
