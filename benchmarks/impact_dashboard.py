"""Programme dashboard roll-up over 5,000 projects x 20 indicators x 12 periods (1.2 M validated values).

    ASIS_BENCH_DB=postgres://asis:asis@127.0.0.1:5432/asis_dashboards \\
        nice .venv/bin/python benchmarks/impact_dashboard.py build     # once (found again later)
    ... benchmarks/impact_dashboard.py time                             # single process, JSON line
    ... benchmarks/impact_dashboard.py load [--users 20 --duration 60s --workers 2]

``build`` fills the database (COPY on PostgreSQL) with one programme: 4 calls, 5,000 funded
projects in 40 regions, 20 indicators covering every aggregation rule (sum, mean, weighted mean,
last, max, ratios) and both values modes, 12 validated reporting periods each, and 12 values in
an incompatible unit (so that the exclusions are part of the work). ``time`` measures, wall clock:
the SQL aggregation alone, the engine on its output, the whole roll-up without cache (cold) and
the page (cold, then warm). ``load`` serves the platform with gunicorn (Redis cache, as in
production), and runs locust with 20 concurrent programme managers reading the programme
dashboard (this file is also the locustfile); target p95 <= 300 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECTS, INDICATORS, PERIODS = 5000, 20, 12
ORG_NAME = "Benchmark programme authority"
MANAGER = "bench-dashboard-manager@asis.example"
PASSWORD = "bench-password-123"
NULL = "\\N"  # COPY's NULL
RULES = [  # (aggregation, values_mode, is_ratio, unit)
    *[("sum", "per_period", False, "persons")] * 6, ("sum", "per_period", False, "eur"),
    ("sum", "per_period", False, "t_co2e"), ("mean", "per_period", False, "hours"), ("mean", "cumulative", False, "fte"),
    ("mean", "cumulative", False, "jobs"), ("weighted_mean", "cumulative", False, "score"),
    ("weighted_mean", "per_period", False, "score"), ("last", "per_period", False, "organisations"),
    ("last", "cumulative", False, "households"), ("max", "cumulative", False, "eur"), ("max", "per_period", False, "km"),
    ("sum", "per_period", True, "percent"), ("sum", "cumulative", True, "percent"), ("sum", "per_period", True, "per_1000"),
]


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    os.environ["ASIS_DATABASE_URL"] = os.environ.get("ASIS_BENCH_DB") or f"sqlite:///{ROOT / 'var' / 'bench-impact.sqlite3'}"
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(seed: int = 11) -> dict[str, int]:
    from datetime import date, timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from asis.accounts.models import Membership, Organisation, Role, User
    from asis.calls.models import Application, Call, FundedProject
    from asis.impact.models import Indicator, ProjectIndicator, Report, ReportingPeriod, ReportValue
    from asis.regions.models import Region

    org = Organisation.objects.filter(name=ORG_NAME).first()
    if org is not None:
        return {"organisation_id": org.pk}
    rng = random.Random(seed)
    regions = list(Region.objects.all()[:40])
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        org = Organisation.objects.create(name=ORG_NAME, type=Organisation.Type.PUBLIC_AUTHORITY,
                                          region=regions[0], country=regions[0].country)
        manager = User.objects.create_user(MANAGER, PASSWORD, full_name="Bench Manager")
        Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
        applicant = User.objects.create_user("bench-dashboard-holder@asis.example", PASSWORD)
        calls = [Call.objects.create(organisation=org, title=f"Benchmark impact call {k}", budget=Decimal("1e8"),
                                     max_grant=Decimal("150000"), opens_at=now - timedelta(days=900),
                                     closes_at=now - timedelta(days=800), status=Call.Status.PUBLISHED)
                 for k in range(4)]
        apps = Application.objects.bulk_create([Application(
            call=calls[i % 4], reference=f"BI-{i:05d}", applicant=applicant, organisation=org,
            region=regions[i % len(regions)], title=f"Benchmark funded project {i}", summary="Generated.",
            requested_amount=Decimal("50000"), total_cost=Decimal("80000"), status=Application.Status.SUBMITTED,
            eligibility=Application.Eligibility.ELIGIBLE, decision=Application.Decision.APPROVED,
            granted_amount=Decimal("50000"), submitted_at=now) for i in range(PROJECTS)], batch_size=1000)
        projects = FundedProject.objects.bulk_create([FundedProject(application=a, grant=Decimal("50000"))
                                                      for a in apps], batch_size=1000)
        indicators = Indicator.objects.bulk_create([Indicator(
            code=f"bench-{k:02d}-{rule}-{mode}", name=f"Benchmark indicator {k} ({rule}, {mode})", unit=unit,
            aggregation=rule, values_mode=mode, is_ratio=ratio) for k, (rule, mode, ratio, unit) in enumerate(RULES)])
        monitored = ProjectIndicator.objects.bulk_create([ProjectIndicator(project=p, indicator=i)
                                                          for p in projects for i in indicators], batch_size=5000)
        periods = ReportingPeriod.objects.bulk_create([ReportingPeriod(
            project=p, number=n + 1, starts_on=date(2024, 1, 1) + timedelta(days=91 * n),
            ends_on=date(2024, 1, 1) + timedelta(days=91 * n + 90), due_on=date(2024, 1, 1) + timedelta(days=91 * n + 120))
            for p in projects for n in range(PERIODS)], batch_size=5000)
        reports = Report.objects.bulk_create([Report(project_id=per.project_id, period=per,
                                                     status=Report.Status.VALIDATED, validated_at=now,
                                                     budget_spent=[{"line": 0, "amount": "3000"}])
                                              for per in periods], batch_size=5000)
        report_of = {(r.project_id, r.period.number): r.pk for r in reports}
        spec = {i.pk: (i.is_ratio, i.aggregation == "weighted_mean", i.unit) for i in indicators}
        bad = set(rng.sample(range(len(monitored)), 12))
        columns = ("report_id", "project_indicator_id", "disaggregation", "value", "denominator", "unit", "note")
        buffer = io.StringIO()
        n_values = 0

        def flush() -> None:
            buffer.seek(0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor, cursor.cursor.copy(
                        f"COPY {ReportValue._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(buffer.read())
            else:  # pragma: no cover - SQLite: bulk_create
                rows = [line.split("\t") for line in buffer.read().splitlines()]
                ReportValue.objects.bulk_create([ReportValue(
                    report_id=int(r[0]), project_indicator_id=int(r[1]), disaggregation="", value=Decimal(r[3]),
                    denominator=None if r[4] == "\\N" else Decimal(r[4]), unit=r[5]) for r in rows], batch_size=5000)
            buffer.seek(0)
            buffer.truncate()

        for k, pi in enumerate(monitored):
            is_ratio, weighted, unit = spec[pi.indicator_id]
            for n in range(1, PERIODS + 1):
                den = rng.randint(20, 200) if is_ratio or weighted else None
                val = rng.randint(0, den) if is_ratio else round(rng.uniform(0, 100), 2)
                use_unit = "count" if k in bad and n == PERIODS else unit
                shown_den = NULL if den is None else den
                buffer.write(f"{report_of[(pi.project_id, n)]}\t{pi.pk}\t\t{val}\t{shown_den}\t{use_unit}\t\n")
                n_values += 1
            if k % 2000 == 1999:
                flush()
        flush()
    return {"organisation_id": org.pk, "values": n_values, "seconds": round(time.monotonic() - started, 1)}


def _org() -> int:
    from asis.accounts.models import Organisation

    return Organisation.objects.get(name=ORG_NAME).pk


def timings(repeat: int = 5) -> dict[str, object]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from asis.accounts.models import User
    from asis.calls.models import FundedProject
    from asis.impact import rollups

    org_id = _org()
    projects = FundedProject.objects.filter(application__call__organisation_id=org_id)

    def best(fn: object, n: int = repeat) -> tuple[float, list[float]]:
        times = []
        for _ in range(n):
            cache.clear()
            started = time.perf_counter()
            result = fn()  # type: ignore[operator]
            times.append((time.perf_counter() - started) * 1000)
        return result, times

    figures, sql_times = best(lambda: rollups.project_figures(projects))
    facts = rollups.project_facts(projects)
    from asis.impact.models import Indicator

    indicators = Indicator.objects.in_bulk(list({f.indicator_id for f in figures}))

    def engine() -> int:
        by: dict[int, list[object]] = {}
        for f in figures:
            by.setdefault(f.indicator_id, []).append(f)
        return len([rollups.rollup_indicator(indicators[i], rows, facts) for i, rows in by.items()])  # type: ignore[arg-type]

    _n, engine_times = best(engine)
    dash, cold_times = best(lambda: rollups.dashboard(projects, scope=f"org:{org_id}"))
    client = Client()
    client.force_login(User.objects.get(email=MANAGER))
    url = f"/en/impact/programmes/{org_id}/"
    _r, page_cold = best(lambda: client.get(url), n=3)
    client.get(url)
    warm = []
    for _ in range(20):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    return {
        "projects": len(facts), "per_project_figures": len(figures),
        "excluded": sum(len(r.excluded) for r in dash.rollups),
        "sql_ms_best": round(min(sql_times), 1), "engine_ms_best": round(min(engine_times), 1),
        "rollup_cold_ms_best": round(min(cold_times), 1), "page_cold_ms_median": round(statistics.median(page_cold), 1),
        "page_warm_ms_median": round(statistics.median(warm), 1), "page_warm_queries": len(queries),
    }


def load(users: int, duration: str, workers: int, port: int) -> int:
    from django.test import Client

    from asis.accounts.models import User

    org_id = _org()
    client = Client()
    client.force_login(User.objects.get(email=MANAGER))
    env = {**os.environ, "ORG_ID": str(org_id), "SESSIONID": client.cookies["sessionid"].value,
           "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("ASIS_REDIS_URL", "redis://127.0.0.1:6379/5")
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "asis.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers), "--threads", "4", "--access-logfile", "/dev/null",
                               "--timeout", "600"], env=env, cwd=ROOT)
    try:
        import urllib.request

        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(1)
        for path in ("", "regions/"):  # the first reader after a change computes the roll-up (cold)
            request = urllib.request.Request(f"http://127.0.0.1:{port}/en/impact/programmes/{org_id}/{path}",
                                             headers={"Cookie": f"sessionid={env['SESSIONID']}"})
            started = time.monotonic()
            urllib.request.urlopen(request, timeout=600).read()
            print(f"cold {path or 'programme'}: {time.monotonic() - started:.2f} s")
        out = ROOT / "var" / "impact_dashboard_results"
        out.mkdir(exist_ok=True)
        return subprocess.call([str(bin_dir / "locust"), "-f", __file__, "--headless", "-u", str(users), "-r", "5",
                                "-t", duration, "--host", f"http://127.0.0.1:{port}", "--csv", str(out / "locust"),
                                "--only-summary"], env=env)
    finally:
        server.terminate()
        server.wait()


if __name__ != "__main__":  # the locustfile part: locust imports this module (and patches sockets with gevent)
    from locust import HttpUser, between, task

    class Manager(HttpUser):
        wait_time = between(1, 2)

        def on_start(self) -> None:
            self.client.cookies.set("sessionid", os.environ.get("SESSIONID", ""))

        @task(4)
        def programme(self) -> None:
            self.client.get(f"/en/impact/programmes/{os.environ.get('ORG_ID', '1')}/", name="programme dashboard")

        @task(1)
        def regions(self) -> None:
            self.client.get(f"/en/impact/programmes/{os.environ.get('ORG_ID', '1')}/regions/", name="region map")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["build", "time", "load"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8771)
    args = parser.parse_args()
    if args.step == "load":
        os.environ.setdefault("ASIS_REDIS_URL", "redis://127.0.0.1:6379/5")
    setup()
    if args.step == "build":
        print(json.dumps(build()))
    elif args.step == "time":
        print(json.dumps(timings()))
    else:
        return load(args.users, args.duration, args.workers, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
