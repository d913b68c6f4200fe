#!/usr/bin/env bash
# Resilience drill (see benchmarks/README.md): MINUTES=10 DB=asis_drill REDIS_DB=7 PORT=8790.
# Needs root for the small tmpfs (--disk-mb, 16 MiB) that plays the upload disk; PostgreSQL and Redis on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${MINUTES:-10}
DB=${DB:-asis_drill}
PG=${PG:-postgres://asis:asis@127.0.0.1:5432}
if ! psql "$PG/postgres" -Atc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
  psql "$PG/postgres" -c "create database $DB" >/dev/null
fi
exec "${PYTHON:-.venv/bin/python}" benchmarks/resilience/drill.py --minutes "$MINUTES" --database "$PG/$DB" \
  --redis "redis://127.0.0.1:6379/${REDIS_DB:-7}" --port "${PORT:-8790}"
