#!/usr/bin/env bash
# table.sh: re-measures the table of issue 16 ("Close to the floor") on this
# machine and prints it as markdown rows: each parindex command beside the
# floor of the same work (the database's own client reading the same rows),
# run alternately in one session, with the ratio.
#
#   scripts/perf/table.sh [RUNS]            (default 7 runs of each, median)
#
# Environment: PARINDEX_PERF_PG, a PostgreSQL URL whose server may create
# and drop databases (default postgres://postgres@127.0.0.1:5432/postgres);
# PARINDEX_PERF_UNITS, the province sizes (default "200 2000");
# PARINDEX_PERF_BENCH=0 skips the benchmark rows (recompute, dashboard),
# which take several minutes. Needs go, sqlite3, psql and bc.
#
# What is compared. `parindex score --period 2025 --format csv` end to end
# (start the process, open the database, check the schema, read the set and
# every point and input, score, rank, compare, print) against the client
# reading the rows a score needs: `sqlite3 DB "SELECT ..."` and
# `psql -c "\copy (SELECT ...) to /dev/null"` of every recorded value and
# input of the group (FLOOR_SQL below: the plain rows, one per value, as
# parindex read them before issue 16). The province is the benchmarks'
# synthetic one (internal/benchdata): 200 or 2,000 units x 120 leaves, of
# which 96 manual leaves with self and final points and 24 ratio leaves over
# two inputs. PostgreSQL's databases are analysed after the import, as
# autovacuum would; SQLite's are left as parindex leaves them.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-7}"
PG="${PARINDEX_PERF_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
BENCH="${PARINDEX_PERF_BENCH:-1}"
SIZES="${PARINDEX_PERF_UNITS:-200 2000}"
WORK="$(mktemp -d /tmp/parindex-perf.XXXX)"
PGDBS=()
cleanup() {
  for db in "${PGDBS[@]}"; do psql -q "$PG" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

FLOOR_SQL="SELECT u.code AS unit_code, s.item_code AS name, s.stage, s.points AS value, s.na
FROM units u CROSS JOIN scores s
WHERE u.group_code = 'G' AND s.unit_code = u.code AND s.period_code = '2025'
UNION ALL
SELECT u.code, i.name, NULL, i.value, FALSE
FROM units u CROSS JOIN inputs i
WHERE u.group_code = 'G' AND i.unit_code = u.code AND i.period_code = '2025'"

pg_url() { # the URL of database $1 on the server of $PG
  local base="${PG%%\?*}" query=""
  [[ "$PG" == *\?* ]] && query="?${PG#*\?}"
  echo "${base%/*}/$1$query"
}

echo "building parindex" >&2
go build -o "$WORK/parindex" ./cmd/parindex
BIN="$WORK/parindex"

# seconds runs the command and prints its wall time in seconds.
seconds() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
# ratio A B prints A / B rounded to one decimal (bc alone truncates).
ratio() { printf %.1f "$(echo "scale=4; $1 / $2" | bc)"; }
thousands() { echo "$1" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta'; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# compare runs the commands in the arrays CMD_A and CMD_B alternately RUNS
# times and prints "median_a median_b".
compare() {
  local a=() b=() i
  for ((i = 0; i < RUNS; i++)); do
    a+=("$(seconds "${CMD_A[@]}")")
    b+=("$(seconds "${CMD_B[@]}")")
  done
  echo "$(printf '%s\n' "${a[@]}" | median) $(printf '%s\n' "${b[@]}" | median)"
}

rows=()
for units in $SIZES; do
  dir="$WORK/p$units"
  mkdir -p "$dir"
  mapfile -t imports < <(go run ./scripts/perf/province -dir "$dir" -units "$units")
  read -r counts <"$dir/counts"
  sdb="$WORK/s$units.db"
  pdb="parindex_perf_${units}_$$"
  psql -q "$PG" -c "CREATE DATABASE $pdb" >/dev/null
  PGDBS+=("$pdb")
  purl="$(pg_url "$pdb")"
  echo "importing $units units ($counts) into SQLite and PostgreSQL" >&2
  for line in "${imports[@]}"; do
    read -r -a args <<<"$line"
    "$BIN" "${args[@]}" --db "$sdb" >/dev/null
    "$BIN" "${args[@]}" --db "$purl" >/dev/null
  done
  psql -q "$purl" -c "VACUUM ANALYZE" >/dev/null
  points=$(sed -E 's/.*points=([0-9]+).*/\1/' <<<"$counts")
  inputs=$(sed -E 's/.*inputs=([0-9]+).*/\1/' <<<"$counts")
  # Warm the file cache and check the floors read what parindex reads.
  n=$(sqlite3 "$sdb" "$FLOOR_SQL" | wc -l)
  [ "$n" -eq $((points + inputs)) ] || { echo "the SQLite floor read $n rows, want $((points + inputs))" >&2; exit 1; }
  "$BIN" score --period 2025 --format csv --db "$sdb" >/dev/null
  "$BIN" score --period 2025 --format csv --db "$purl" >/dev/null

  echo "timing $units units, $RUNS alternate runs" >&2
  CMD_A=("$BIN" score --period 2025 --format csv --db "$sdb")
  CMD_B=(sqlite3 "$sdb" "$FLOOR_SQL")
  read -r t f < <(compare)
  rows+=("| \`score\`, $(thousands "$units") units × 120 leaves ($(thousands "$points") points, $(thousands "$inputs") inputs), SQLite | $(printf %.3f "$t") s | \`sqlite3\` running the same SELECT: $(printf %.3f "$f") s | $(ratio "$t" "$f")× | 3× |")
  CMD_A=("$BIN" score --period 2025 --format csv --db "$purl")
  CMD_B=(psql -q "$purl" -c "\\copy ($FLOOR_SQL) to /dev/null")
  read -r t f < <(compare)
  rows+=("| \`score\`, $(thousands "$units") units × 120 leaves, PostgreSQL | $(printf %.3f "$t") s | \`psql \\copy\` of the same SELECT: $(printf %.3f "$f") s | $(ratio "$t" "$f")× | 2× |")
done

if [ "$BENCH" != 0 ]; then
  echo "benchmark: recompute a survey of 1,000,000 responses (SQLite), beside sqlite3 reading them" >&2
  out=$(go test -run '^$' -bench 'BenchmarkSurveyRecompute/(Results|Floor)$' -benchtime 3x ./store 2>&1 | grep -E '^BenchmarkSurveyRecompute/(Results|Floor)' || true)
  ns=$(grep 'Results' <<<"$out" | grep -oE '[0-9]+ ns/op' | cut -d' ' -f1)
  fns=$(grep 'Floor' <<<"$out" | grep -oE '[0-9]+ ns/op' | cut -d' ' -f1)
  ratio="—"
  [ -n "$ns" ] && [ -n "$fns" ] && ratio="$(ratio "$ns" "$fns")×"
  rows+=("| recompute 1,000,000 responses, SQLite (\`BenchmarkSurveyRecompute/Results\`) | $(printf %.3f "$(echo "scale=3; ${ns:-0} / 1000000000" | bc)") s | \`sqlite3\` reading each valid response's unit and answers: $(printf %.3f "$(echo "scale=3; ${fns:-0} / 1000000000" | bc)") s | $ratio | 3× |")
  echo "benchmarks: dashboard after a change (both databases)" >&2
  for db in SQLite PostgreSQL; do
    env=()
    [ "$db" = PostgreSQL ] && env=(PARINDEX_TEST_DATABASE_URL="$PG")
    out=$(env "${env[@]}" go test -run '^$' -bench 'BenchmarkDashboard$' -benchtime 1x ./cmd/parindex 2>&1 | grep '^BenchmarkDashboard' || true)
    p95=$(grep -oE '[0-9.]+ staff-after-change-p95-ms' <<<"$out" | cut -d' ' -f1)
    rows+=("| dashboard, first staff view after a change, $db | p95 ${p95:-?} ms | — | — | p95 100 ms |")
  done
fi

echo
echo "| work | parindex | floor (same rows, same machine) | ratio | target |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Measured $(date -u +%Y-%m-%dT%H:%MZ), $RUNS alternate runs each (median), load average $(cut -d' ' -f1-3 /proc/loadavg)."
