#!/usr/bin/env bash
# Funding-call benchmarks on PostgreSQL, side by side in one run (issue 5's targets):
#   assignment of 5,000 applications to 300 evaluators (k=3, 2 % conflicts)   <= 10 s
#   full results recomputation of that call                                     <= 15 s
#   results page p95 under 20 concurrent programme managers                     <= 300 ms
#
#   benchmarks/calls/run.sh        # PORT=8766 DURATION=60s USERS=20 WORKERS=2 by default
#
# Builds the call once in the database asis_bench_calls (found again on later runs), times the
# assignment (engine alone, then the service writing 15,000 assignments), the results
# recomputation and single page loads (benchmarks/calls/results.py), then serves the platform
# with gunicorn and runs locust (benchmarks/calls/locustfile.py) from a second process on the
# same machine. Results go to benchmarks/calls/results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-8766}
DURATION=${DURATION:-60s}
USERS=${USERS:-20}
WORKERS=${WORKERS:-2}
DB=${DB:-asis_bench_calls}
OUT=benchmarks/calls/results
PY=.venv/bin/python
mkdir -p "$OUT"

scripts/postgres
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
  || su postgres -c "createdb -O asis $DB"
export ASIS_BENCH_DB="postgres://asis:asis@127.0.0.1:5432/$DB"
export ASIS_DATABASE_URL="$ASIS_BENCH_DB"
export DJANGO_SETTINGS_MODULE=asis.settings.dev
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "nproc: $(nproc)"
  echo "postgresql: $(su postgres -c 'psql -qtAc "SHOW server_version"')"
  echo "gunicorn workers: $WORKERS x 4 threads, locust users: $USERS, duration: $DURATION"
} | tee "$OUT/machine.txt"

$PY benchmarks/calls/assignment.py | tee "$OUT/assignment.json"
$PY benchmarks/calls/results.py | tee "$OUT/results.json"
SERVE=$($PY benchmarks/calls/results.py --serve)
CALL_ID=$(echo "$SERVE" | $PY -c 'import json,sys; print(json.load(sys.stdin)["call_id"])')
SESSIONID=$(echo "$SERVE" | $PY -c 'import json,sys; print(json.load(sys.stdin)["sessionid"])')

$PY -m gunicorn asis.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 4 \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --timeout 600 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
  sleep 1
done
# Warm every worker (imports, the stored results parsed once per process).
for _ in $(seq 1 $(( WORKERS * 4 ))); do
  curl -fs -o /dev/null -b "sessionid=$SESSIONID" "http://127.0.0.1:$PORT/en/calls/manage/$CALL_ID/results/" || true
done
CALL_ID=$CALL_ID SESSIONID=$SESSIONID .venv/bin/locust -f benchmarks/calls/locustfile.py --headless \
  -u "$USERS" -r 5 -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary 2>&1 \
  | tail -n 12 | tee "$OUT/locust.txt"
