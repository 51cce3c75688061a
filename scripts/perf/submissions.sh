#!/bin/sh
# Public survey submissions beside their floor, run alternately in one
# session on this machine, printed as markdown table rows.
#
#   parindex: BenchmarkSurveySubmissions (cmd/parindex/survey_bench_test.go),
#             a real `parindex serve` driven over HTTP by internal/loadgen;
#   floor:    pgbench running scripts/perf/submit-floor.sql, one single-row
#             INSERT into the same table per transaction, same clients.
#
# Usage: scripts/perf/submissions.sh            (from the repository root)
# Environment:
#   PGURL     PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   CLIENTS   client counts (default "16 64")
#   N         submissions per parindex run (default 20000)
#   SECONDS_FLOOR  seconds per pgbench run (default 10)
#   ROUNDS    alternations (default 2)
#   SQLITE=1  also run the benchmark on SQLite (no floor)
#   BASELINE=REV  also run the benchmark of commit REV (e.g. before batching)
set -eu

PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
CLIENTS=${CLIENTS:-16 64}
N=${N:-20000}
SECONDS_FLOOR=${SECONDS_FLOOR:-10}
ROUNDS=${ROUNDS:-2}
root=$(pwd)
tmp=$(mktemp -d)
floordb=parindex_floor_$$

cleanup() {
	psql -q "$PGURL" -c "DROP DATABASE IF EXISTS $floordb WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "building..." >&2
mkdir "$tmp/new"
git archive HEAD | tar -x -C "$tmp/new" # what is committed, whatever the work tree holds
(cd "$tmp/new" && go test -c -o bench.test ./cmd/parindex && go build -o "$tmp/parindex" ./cmd/parindex)
if [ -n "${BASELINE:-}" ]; then
	mkdir "$tmp/base"
	git archive "$BASELINE" | tar -x -C "$tmp/base"
	(cd "$tmp/base" && go test -c -o bench.test ./cmd/parindex)
fi

# The floor's database: the benchmark's survey (100 units, SIPAS, open).
psql -q "$PGURL" -c "CREATE DATABASE $floordb" >/dev/null
case "$PGURL" in
*\?*) query="?${PGURL#*\?}" ;;
*) query= ;;
esac
base=${PGURL%%\?*}
flooruri="${base%/*}/$floordb$query"
i=0
units="code,name,group"
tx="unit,transactions"
while [ $i -lt 100 ]; do
	u=$(printf 'U%03d' $i)
	units="$units
$u,Đơn vị $i,G"
	tx="$tx
$u,5000"
	i=$((i + 1))
done
printf '%s\n' "$units" >"$tmp/units.csv"
printf '%s\n' "$tx" >"$tmp/tx.csv"
p() { "$tmp/parindex" "$@" --db "$flooruri" >/dev/null; }
p migrate
p import units "$tmp/units.csv"
p survey instrument --period 2026 --template sipas
p survey create --survey sipas-t --name SIPAS --period 2026 --instrument sipas
p survey transactions --survey sipas-t "$tmp/tx.csv"
p survey open --survey sipas-t
campaign=$(psql -At "$flooruri" -c "SELECT id FROM survey_campaigns WHERE code = 'sipas-t'")

# floor CLIENTS: prints "rate p99-ms" of pgbench's single-row INSERTs.
floor() {
	psql -q "$flooruri" -c "DELETE FROM survey_responses" -c "VACUUM survey_responses" >/dev/null
	rm -f "$tmp"/pgb*
	out=$(cd "$tmp" && pgbench -n -c "$1" -j 2 -T "$SECONDS_FLOOR" -D campaign="$campaign" \
		-f "$root/scripts/perf/submit-floor.sql" -l --log-prefix=pgb "$flooruri" 2>&1)
	rate=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
	p99=$(cat "$tmp"/pgb* | awk '{print $3}' | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int(NR * 0.99)] / 1000}')
	echo "$rate $p99"
}

# bench TREE CLIENTS [DBURL]: prints "rate p99-ms" of the Go benchmark of a
# source tree (it builds the server it starts from the tree's cmd/parindex).
bench() {
	out=$(cd "$1/cmd/parindex" && PARINDEX_TEST_DATABASE_URL=${3:-} "$1/bench.test" -test.run '^$' \
		-test.bench "SurveySubmissions/workers=$2\$" -test.benchtime "${N}x" 2>&1) || { echo "$out" >&2; exit 1; }
	echo "$out" | awk '/^BenchmarkSurveySubmissions/ {
		for (i = 1; i <= NF; i++) { if ($i == "submissions/s") r = $(i-1); if ($i == "p99-ms") q = $(i-1) }
		printf "%.0f %.2f\n", r, q }'
}

row() { # label rate p99 floor-rate floor-p99
	awk -v l="$1" -v r="$2" -v q="$3" -v fr="$4" -v fq="$5" 'BEGIN {
		if (fr == "") { printf "| %s | %d/s, p99 %.1f ms | — | — |\n", l, r, q; exit }
		printf "| %s | %d/s, p99 %.1f ms | %d/s, p99 %.1f ms | %.2f× rate, %.2f× p99 |\n", l, r, q, fr, fq, r / fr, q / fq }'
}

echo "| work | parindex | floor (pgbench single-row INSERT) | ratio |"
echo "|---|---|---|---|"
round=1
while [ $round -le "$ROUNDS" ]; do
	for c in $CLIENTS; do
		set -- $(floor "$c")
		fr=$1 fq=$2
		set -- $(bench "$tmp/new" "$c" "$PGURL")
		row "submissions, PostgreSQL, $c clients (round $round)" "$1" "$2" "$fr" "$fq"
		if [ -n "${BASELINE:-}" ]; then
			set -- $(bench "$tmp/base" "$c" "$PGURL")
			row "submissions at $BASELINE, PostgreSQL, $c clients (round $round)" "$1" "$2" "$fr" "$fq"
		fi
		if [ -n "${SQLITE:-}" ]; then
			set -- $(bench "$tmp/new" "$c")
			row "submissions, SQLite, $c clients (round $round)" "$1" "$2" "" ""
			if [ -n "${BASELINE:-}" ]; then
				set -- $(bench "$tmp/base" "$c")
				row "submissions at $BASELINE, SQLite, $c clients (round $round)" "$1" "$2" "" ""
			fi
		fi
	done
	round=$((round + 1))
done
