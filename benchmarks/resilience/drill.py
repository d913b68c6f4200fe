"""Resilience drill: mixed load on gunicorn + 2 task workers while faults are injected.

Run by hand (see run.sh and benchmarks/README.md), never in the test suite. Against 127.0.0.1 only.

Faults, in order: SIGKILL of one task worker, termination of every PostgreSQL connection (twice),
a full upload disk (a small tmpfs filled to the brim, then freed), a backup (``asis backup``).
Every client write carries a unique marker, so lost and duplicated writes are counted exactly
against the database afterwards:

- applicant saves: the application's summary is overwritten with a marker; at the end each
  application must hold the last marker whose save was acknowledged (or a later one);
- uploads: each attachment's file name is a marker; an acknowledged upload must exist once, a
  refused one (disk full: 400 with a message) must not exist;
- jobs: each job (started in this process, as the web views do) carries a marker; each must exist
  once and have succeeded when the drill ends.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF = "drill" + "x" * 27  # a 32-character secret, sent as cookie and header
PHASES = [  # name, start as a fraction of the run
    ("baseline", 0.0), ("worker kill", 0.15), ("db terminate #1", 0.30), ("disk full", 0.45),
    ("db terminate #2", 0.62), ("backup", 0.75), ("recovery", 0.87),
]


@dataclass
class Record:
    kind: str
    phase: str
    started: float
    seconds: float
    status: str  # HTTP status, "refused" (clean 400), or the exception class
    ok: bool
    marker: str = ""
    target: int = 0


@dataclass
class Drill:
    base: str
    t0: float = 0.0
    phase: str = "baseline"
    stop: threading.Event = field(default_factory=threading.Event)
    records: list[Record] = field(default_factory=list)
    faults: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


def env_for(args: argparse.Namespace, uploads: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "asis.settings.dev",
        "ASIS_DATABASE_URL": args.database,
        "ASIS_TASKS_BACKEND": "rq",
        "ASIS_REDIS_URL": args.redis,
        "ASIS_PRIVATE_MEDIA_ROOT": str(uploads),
        "ASIS_ATTACHMENT_MAX_COUNT": "1000000",
        "ASIS_JOB_LEASE_SECONDS": "10",
        "ASIS_JOB_MODULES": "tests.core.job_fixtures",
        "ASIS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    })
    return env


def prepare(applicants: int) -> dict:
    """Users, an open call and one draft application per applicant; sessions for the clients."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from tests.calls.helpers import make_application, make_call
    from tests.factories import MembershipFactory, OrganisationFactory

    from asis.accounts.models import Role

    call_command("migrate", verbosity=0)
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    tag = uuid.uuid4().hex[:6]
    org = OrganisationFactory(name=f"Drill {tag}", code="AT33")
    manager = MembershipFactory(user__email=f"manager-{tag}@drill.example", organisation=org,
                                role=Role.PROGRAMME_MANAGER).user
    call = make_call(org, phase="open", title=f"Drill call {tag}")
    holders = [MembershipFactory(user__email=f"holder{n}-{tag}@drill.example", organisation=org,
                                 role=Role.PROJECT_HOLDER).user for n in range(applicants)]
    apps = [make_application(call, holder, org, submitted=False) for holder in holders]

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    translation.activate("en")
    return {
        "catalogue": reverse("observatory:catalogue"),
        "manager": reverse("calls:manage_applications", args=[call.pk]),
        "manager_session": session(manager),
        "applicants": [{"app": a.pk, "session": session(h), "title": a.title,
                        "edit": reverse("calls:application_edit", args=[a.pk]),
                        "upload": reverse("calls:attachment_upload", args=[a.pk])} for a, h in zip(apps, holders, strict=True)],
        "application_ids": [a.pk for a in apps],
    }


def http_client(session_id: str | None) -> requests.Session:
    client = requests.Session()
    client.cookies.set("csrftoken", CSRF)
    if session_id:
        client.cookies.set("sessionid", session_id)
    client.headers["X-CSRFToken"] = CSRF
    return client


def timed(drill: Drill, kind: str, call, *, marker: str = "", target: int = 0, refused_text: str = "") -> None:
    started = drill.now()
    phase = drill.phase
    try:
        response = call()
        status = str(response.status_code)
        ok = response.status_code in (200, 302)
        if not ok and response.status_code == 400 and refused_text and refused_text in response.text:
            status, ok = "refused", False
    except requests.RequestException as exc:
        status, ok = type(exc).__name__, False
    drill.add(Record(kind, phase, started, drill.now() - started, status, ok, marker, target))


def reader(drill: Drill, kind: str, url: str, session_id: str | None) -> None:
    client = http_client(session_id)
    while not drill.stop.is_set():
        timed(drill, kind, lambda: client.get(drill.base + url, timeout=30, allow_redirects=False))
        time.sleep(0.2)


def saver(drill: Drill, applicant: dict) -> None:
    client = http_client(applicant["session"])
    while not drill.stop.is_set():
        marker = f"drill-save-{uuid.uuid4().hex}"
        data = {"title": applicant["title"], "summary": marker, "original_language": "en"}
        timed(drill, "save", lambda data=data: client.post(drill.base + applicant["edit"], data=data, timeout=30,
                                                            allow_redirects=False),
              marker=marker, target=applicant["app"])
        time.sleep(0.5)


def uploader(drill: Drill, applicant: dict) -> None:
    client = http_client(applicant["session"])
    body = PDF + b"%" * 4000
    while not drill.stop.is_set():
        marker = f"drill-upload-{uuid.uuid4().hex}"
        timed(drill, "upload", lambda marker=marker: client.post(
            drill.base + applicant["upload"], data={"kind": "other"},
            files={"file": (f"{marker}.pdf", body, "application/pdf")}, timeout=30, allow_redirects=False),
            marker=marker, target=applicant["app"], refused_text="storage is full")
        time.sleep(0.5)


def job_starter(drill: Drill) -> None:
    from django.db import Error, connection

    from asis.core.jobs import job_start

    while not drill.stop.is_set():
        marker = f"drill-job-{uuid.uuid4().hex}"
        started = drill.now()
        phase = drill.phase
        try:
            job_start(kind="test.slow", params={"steps": 4, "delay": 0.25, "marker": marker})
            status, ok = "queued", True
        except Error as exc:
            status, ok = type(exc).__name__, False
            connection.close()
        drill.add(Record("job", phase, started, drill.now() - started, status, ok, marker))
        time.sleep(2)


def terminate_connections(database: str) -> int:
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        row = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
        return int(row[0])


def children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def fill(uploads: Path) -> Path:
    stat = os.statvfs(uploads)
    filler = uploads / "filler.bin"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(stat.f_bavail * stat.f_frsize - 1024, 0))
    return filler


def run_faults(drill: Drill, args: argparse.Namespace, env: dict, uploads: Path, worker_sup: subprocess.Popen,
               total: float, can_fill: bool) -> None:
    def wait_until(fraction: float) -> bool:
        while drill.now() < fraction * total:
            if drill.stop.wait(0.2):
                return False
        return True

    filler = None
    for name, start in PHASES[1:]:
        if not wait_until(start):
            return
        if filler is not None:  # the disk-full phase ends when the next begins: free the space
            filler.unlink()
            drill.faults["disk freed"] = drill.now()
            filler = None
        drill.phase = name
        drill.faults[name] = drill.now()
        if name == "worker kill":
            victim = children(worker_sup.pid)[0]
            os.kill(victim, signal.SIGKILL)
            drill.notes.append(f"SIGKILL task worker pid {victim} at {drill.now():.1f} s")
        elif name.startswith("db terminate"):
            count = terminate_connections(args.database)
            drill.notes.append(f"{name}: terminated {count} connections at {drill.now():.1f} s")
        elif name == "disk full":
            if can_fill:
                filler = fill(uploads)
                drill.notes.append(f"upload disk filled at {drill.now():.1f} s")
            else:
                drill.notes.append("upload disk NOT filled (no tmpfs mount possible)")
        elif name == "backup":
            target = Path(args.out) / "drill-backup.zip"
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "asis.cli", "backup", str(target)], env=env, cwd=ROOT,
                                  capture_output=True, text=True)
            drill.notes.append(f"backup: exit {done.returncode} in {time.monotonic() - started:.1f} s, "
                               f"{target.stat().st_size if target.exists() else 0} bytes")
            target.unlink(missing_ok=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(int(q * len(values)), len(values) - 1)]


def verify(drill: Drill, info: dict) -> dict:
    from django.db import connection

    from asis.calls.models import Application, Attachment
    from asis.core.models import Job

    connection.close()
    result: dict = {}
    # saves: the last acknowledged marker (or a later attempt) must be what the database holds
    saves = [r for r in drill.records if r.kind == "save"]
    lost_saves = 0
    for app_id in info["application_ids"]:
        mine = sorted((r for r in saves if r.target == app_id), key=lambda r: r.started)
        acked = [i for i, r in enumerate(mine) if r.ok]
        if not acked:
            continue
        allowed = {r.marker for r in mine[acked[-1]:]}
        if Application.objects.get(pk=app_id).summary not in allowed:
            lost_saves += 1
    result["save"] = {"sent": len(saves), "acknowledged": sum(r.ok for r in saves), "lost": lost_saves,
                      "duplicated": 0}
    # uploads
    uploads = [r for r in drill.records if r.kind == "upload"]
    names = Counter(Attachment.objects.filter(original_name__startswith="drill-upload-")
                    .values_list("original_name", flat=True))
    acked = [r for r in uploads if r.ok]
    refused = [r for r in uploads if r.status == "refused"]
    failed = [r for r in uploads if not r.ok and r.status != "refused"]
    missing_files = sum(1 for a in Attachment.objects.filter(original_name__startswith="drill-upload-")
                        if not a.file.storage.exists(a.file.name))
    result["upload"] = {
        "sent": len(uploads), "acknowledged": len(acked), "refused (disk full)": len(refused),
        "lost": sum(1 for r in acked if names[f"{r.marker}.pdf"] == 0),
        "duplicated": sum(1 for count in names.values() if count > 1),
        "refused but stored": sum(1 for r in refused if names[f"{r.marker}.pdf"]),
        "failed but stored": sum(1 for r in failed if names[f"{r.marker}.pdf"]),
        "rows without file": missing_files,
    }
    # jobs
    jobs = [r for r in drill.records if r.kind == "job"]
    rows = list(Job.objects.filter(params__marker__startswith="drill-job-").values_list("params", "status",
                                                                                           "attempts"))
    by_marker = Counter(p["marker"] for p, _s, _a in rows)
    result["job"] = {
        "sent": len(jobs), "acknowledged": sum(r.ok for r in jobs),
        "lost": sum(1 for r in jobs if r.ok and by_marker[r.marker] == 0),
        "duplicated": sum(1 for c in by_marker.values() if c > 1),
        "statuses": dict(Counter(s for _p, s, _a in rows)),
        "attempts": dict(Counter(a for _p, _s, a in rows)),
    }
    return result


def recovery_times(drill: Drill) -> dict[str, dict[str, float | None]]:
    from asis.core.models import Job

    out: dict[str, dict[str, float | None]] = {}
    anchors = {k: v for k, v in drill.faults.items() if k not in ("backup",)}
    for fault, at in anchors.items():
        row: dict[str, float | None] = {}
        for kind in ("catalogue", "manager", "save", "upload"):
            later = [r.started + r.seconds for r in drill.records if r.kind == kind and r.ok and r.started >= at]
            row[kind] = round(min(later) - at, 2) if later else None
        row["job"] = None
        wall_at = drill.wall0 + at  # type: ignore[attr-defined]
        done = Job.objects.filter(params__marker__startswith="drill-job-", status="succeeded",
                                  finished_at__gte=_aware(wall_at)).order_by("finished_at").first()
        if done is not None:
            row["job"] = round(done.finished_at.timestamp() - wall_at, 2)
        out[fault] = row
    return out


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


def table(drill: Drill) -> list[str]:
    lines = ["| phase | requests | errors (by status) | clean refusals | p50 | p95 |", "|---|---:|---|---:|---:|---:|"]
    by_phase: dict[str, list[Record]] = defaultdict(list)
    for record in drill.records:
        by_phase[record.phase].append(record)
    for name, _start in PHASES:
        records = by_phase.get(name, [])
        errors = Counter(r.status for r in records if not r.ok and r.status != "refused")
        refused = sum(r.status == "refused" for r in records)
        times = [r.seconds * 1000 for r in records if r.kind != "job"]
        lines.append(f"| {name} | {len(records)} | {dict(errors) or 0} | {refused} | "
                     f"{percentile(times, 0.5):.0f} ms | {percentile(times, 0.95):.0f} ms |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--database", default="postgres://asis:asis@127.0.0.1:5432/asis_drill")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--applicants", type=int, default=4)
    parser.add_argument("--disk-mb", type=int, default=16,
                        help="size of the upload disk: room for the run's uploads outside the disk-full phase")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "resilience" / "results"))
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)

    uploads = ROOT / "var" / "drill-uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.disk_mb}m", "tmpfs", str(uploads)],
                             capture_output=True).returncode == 0
    env = env_for(args, uploads)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    info = prepare(args.applicants)
    logs = {name: open(Path(args.out) / f"{name}.log", "w") for name in ("web", "workers")}  # noqa: SIM115
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "asis.wsgi:application", "--bind",
                            f"127.0.0.1:{args.port}", "--workers", "4", "--threads", "2", "--timeout", "60"],
                           env=env, cwd=ROOT, stdout=logs["web"], stderr=subprocess.STDOUT)
    workers = subprocess.Popen([sys.executable, "-m", "asis.cli", "worker", "--supervise", "--processes", "2"],
                               env=env, cwd=ROOT, stdout=logs["workers"], stderr=subprocess.STDOUT)
    drill = Drill(base=f"http://127.0.0.1:{args.port}")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(drill.base + info["catalogue"], timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(1)
        total = args.minutes * 60
        drill.t0 = time.monotonic()
        drill.wall0 = time.time()  # type: ignore[attr-defined]
        threads = [threading.Thread(target=reader, args=(drill, "catalogue", info["catalogue"], None)),
                   threading.Thread(target=reader, args=(drill, "manager", info["manager"], info["manager_session"])),
                   threading.Thread(target=uploader, args=(drill, info["applicants"][0])),
                   threading.Thread(target=job_starter, args=(drill,))]
        threads += [threading.Thread(target=saver, args=(drill, a)) for a in info["applicants"][1:]]
        for thread in threads:
            thread.start()
        run_faults(drill, args, env, uploads, workers, total, mounted)
        while drill.now() < total:
            time.sleep(0.5)
        drill.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # let the queue drain: every acknowledged job must end
        from django.db import connection

        from asis.core.models import Job

        connection.close()  # this thread's connection was terminated with the others

        drain_deadline = time.monotonic() + 180
        while time.monotonic() < drain_deadline and Job.objects.filter(
                params__marker__startswith="drill-job-", status__in=["queued", "running"]).exists():
            time.sleep(1)
        result = verify(drill, info)
        recovery = recovery_times(drill)
    finally:
        drill.stop.set()
        for proc in (web, workers):
            proc.terminate()
        for proc in (web, workers):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if mounted:
            subprocess.run(["umount", str(uploads)], check=False)
    report = {"minutes": args.minutes, "faults": drill.faults, "notes": drill.notes, "writes": result,
              "recovery_seconds": recovery, "phases": table(drill),
              "requests": len(drill.records), "load": os.getloadavg()}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (Path(args.out) / f"drill-{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    print("\n".join(table(drill)))
    print(json.dumps({k: report[k] for k in ("notes", "writes", "recovery_seconds", "load")}, indent=2,
                     default=str))
    lost = sum(v.get("lost", 0) + v.get("duplicated", 0) for v in result.values())
    unfinished = sum(n for s, n in result["job"]["statuses"].items() if s != "succeeded")
    return 1 if lost or unfinished else 0


if __name__ == "__main__":
    sys.exit(main())
