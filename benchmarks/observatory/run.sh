#!/usr/bin/env bash
# Observatory benchmark: PostgreSQL with 100,000 published initiatives, gunicorn, locust (50 clients).
#
#   benchmarks/observatory/run.sh            # N=100000 PORT=8765 DURATION=60s by default
#
# Steps: start PostgreSQL (scripts/postgres); create the database asis_bench if missing, migrate,
# load the demo (organisations, users, 600 initiatives) and top up with `asis observatory-scale`
# until N published initiatives exist; start gunicorn; run locust headless from a second process
# (catalogue search with two facets, map aggregate, health as the ceiling); download the CSV
# export of everything while sampling the server's RSS; time an import of 10,000 rows (rolled
# back). Results go to benchmarks/observatory/results/. EXPORT=0 / IMPORT=0 skip those steps.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-100000}
PORT=${PORT:-8765}
DURATION=${DURATION:-60s}
USERS=${USERS:-50}
WORKERS=${WORKERS:-4}
IMPORT_ROWS=${IMPORT_ROWS:-10000}
DB=${DB:-asis_bench}
OUT=benchmarks/observatory/results
PY=.venv/bin/python
mkdir -p "$OUT"

scripts/postgres
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
  || su postgres -c "createdb -O asis $DB"
export ASIS_DATABASE_URL="postgres://asis:asis@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=asis.settings.dev
.venv/bin/asis migrate >/dev/null
published() { su postgres -c "psql -d $DB -qtAc \"SELECT count(*) FROM observatory_initiative WHERE status='published'\""; }
if [ "$(published)" -eq 0 ]; then .venv/bin/asis demo --seed 2018; fi
missing=$(( N - $(published) ))
if [ "$missing" -gt 0 ]; then
  start=$(date +%s)
  .venv/bin/asis observatory-scale --initiatives "$missing" --seed 2018
  echo "scale: $missing initiatives in $(( $(date +%s) - start )) s" | tee "$OUT/scale.txt"
fi
su postgres -c "psql -d $DB -qc 'VACUUM ANALYZE'"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "nproc: $(nproc)"
  echo "memory: $(grep MemTotal /proc/meminfo | awk '{print $2/1024/1024 " GiB"}')"
  echo "postgresql: $(su postgres -c 'psql -qtAc "SHOW server_version"')"
  echo "published initiatives: $(published)"
  echo "gunicorn workers: $WORKERS (sync), locust users: $USERS, duration: $DURATION"
} | tee "$OUT/machine.txt"

$PY -m gunicorn asis.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --timeout 600 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  sleep 1
done
# Warm every worker once (imports, first queries) so the run measures steady state.
for _ in $(seq 1 $(( WORKERS * 3 ))); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/en/observatory/?q=care&country=AT&challenge=ageing" || true
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/en/observatory/map/regions.geojson?stage=pilot" || true
done

# One phase per endpoint, same load (USERS clients, 0.5-1.5 s think time), then all three mixed.
drain() {  # wait until the workers have finished the previous phase's backlog
  for _ in $(seq 1 300); do
    t=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/api/v1/health" || echo 9)
    awk -v t="$t" 'BEGIN { exit !(t < 0.05) }' && break
    sleep 1
  done
  sleep 3
}
for load in health catalogue map mixed; do
  drain
  ASIS_LOAD=$load .venv/bin/locust -f benchmarks/observatory/locustfile.py --headless -u "$USERS" -r 10 \
    -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/load-$load" --only-summary 2>&1 \
    | tail -n 12 > "$OUT/locust-$load.txt"
done
$PY benchmarks/observatory/summarise.py "$OUT/load" | tee "$OUT/load.md"

if [ "${EXPORT:-1}" = 1 ]; then
  $PY benchmarks/observatory/rss.py --pid "$SERVER" --url "http://127.0.0.1:$PORT/en/observatory/export.csv" \
    | tee "$OUT/export.json"
fi
if [ "${IMPORT:-1}" = 1 ]; then
  $PY benchmarks/observatory/bench_import.py --rows "$IMPORT_ROWS" | tee "$OUT/import.json"
fi
