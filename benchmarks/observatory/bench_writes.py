"""The catalogue under read load while the catalogue is written (security issue, item 11).

    python benchmarks/observatory/bench_writes.py --label after --src src \\
        --db asis_bench_catalogue --out benchmarks/observatory/results/writes

Starts gunicorn (4 sync workers) on the code under ``--src`` (``/work/main/src`` gives the code
before the change), warms every worker, then runs four phases of ``--duration`` seconds with
``--users`` locust clients doing a full-text catalogue search with two facets (locust runs as its
own process): no writes; one edit every 2 s; one edit every 30 s; a 10,000-row import (committed)
started 5 s into the phase; on request (``--phases importedit``, on its own: the import's rows are
only deleted at the end of a run) the same import with an editor saving every 2 s meanwhile, whose
longest save (``edit_seconds_max``) shows whether editors wait for the import's transaction. An
edit is ``services.initiative_save`` of a random published initiative with a new stage and reach
(the same call as the editor's form), from a separate process. Meanwhile the RSS of each worker is sampled every 0.5 s. Prints one JSON line per phase;
the imported rows are deleted afterwards so the database keeps its size.

``--writer SECONDS`` and ``--import-rows N`` are the child modes (an editor, an import).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
IMPORT_MARK = " (import "


def _django(src: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    import django

    django.setup()


def writer(every: float, duration: float) -> None:
    _django()
    from asis.observatory.models import Initiative
    from asis.observatory.services import initiative_save

    rng = random.Random(os.getpid())
    ids = list(Initiative.objects.filter(status="published").values_list("pk", flat=True))
    ends = time.monotonic() + duration
    edits, took = 0, []
    while time.monotonic() < ends:
        started = time.monotonic()
        initiative = Initiative.objects.get(pk=rng.choice(ids))
        initiative.stage = rng.choice(Initiative.Stage.values)
        initiative.people_reached = rng.randrange(10, 5000)
        initiative_save(actor=None, initiative=initiative)
        edits += 1
        took.append(time.monotonic() - started)
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    print(json.dumps({"edits": edits, "edit_seconds_max": round(max(took, default=0), 3)}), flush=True)


def cleanup() -> int:
    _django()
    from asis.observatory.models import Initiative

    return Initiative.objects.filter(title__contains=IMPORT_MARK).delete()[0]


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def _workers(master: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Sampler(threading.Thread):
    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.stop, self.peak, self.last = master, threading.Event(), {}, {}

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in _workers(self.master):
                rss = _rss_mib(pid)
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss)
                self.last[pid] = rss
            time.sleep(0.5)


def _get(url: str, timeout: float = 120) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local URL)
        response.read()
    return time.monotonic() - started


def _number(text: str) -> float | None:
    try:
        return round(float(text), 2)
    except ValueError:  # "N/A": no request finished in the phase
        return None


def _stats(prefix: str) -> dict[str, object]:
    for row in csv.DictReader(open(f"{prefix}_stats.csv")):  # noqa: SIM115
        if row["Name"] == "Aggregated":
            return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                    "rps": _number(row["Requests/s"]), "p50_ms": _number(row["50%"]),
                    "p95_ms": _number(row["95%"]), "p99_ms": _number(row["99%"]),
                    "max_ms": _number(row["Max Response Time"])}
    return {}


def _drain(url: str, limit: float = 180) -> None:
    """Wait until the previous phase's backlog is served (a search answers within 1 s)."""
    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        try:
            if _get(url, timeout=limit) < 1:
                break
        except OSError:
            pass
        time.sleep(1)
    time.sleep(3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="after")
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--db", default="asis_bench_catalogue")
    parser.add_argument("--out", default=str(HERE / "results" / "writes"))
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--phases", default="nowrite,edit2s,edit30s,import")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--writer", type=float)
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()
    if args.writer:
        writer(args.writer, args.duration)
        return
    if args.cleanup:
        print(json.dumps({"deleted": cleanup()}))
        return

    env = dict(os.environ, PYTHONPATH=args.src, DJANGO_SETTINGS_MODULE="asis.settings.dev",
               ASIS_DATABASE_URL=f"postgres://asis:asis@127.0.0.1:5432/{args.db}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "asis.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--timeout", "600", "--access-logfile", "/dev/null",
         "--error-logfile", f"{args.out}/gunicorn-{args.label}.log"], env=env)
    try:
        for _ in range(120):
            try:
                _get(f"{base}/api/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(1)
        warm = f"{base}/en/observatory/?q=care&country=AT&challenge=ageing"
        startup = [round(_get(warm), 2) for _ in range(args.workers * 3)]
        print(json.dumps({"label": args.label, "warm_up_seconds": startup}), flush=True)
        for phase in args.phases.split(","):
            _drain(warm)
            sampler = Sampler(server.pid)
            sampler.start()
            child = None
            if phase.startswith("edit") or phase == "importedit":
                every = "2" if phase == "importedit" else phase[4:-1]
                child = subprocess.Popen([sys.executable, __file__, "--writer", every, "--duration",
                                          str(args.duration)], env=env, stdout=subprocess.PIPE, text=True)
            prefix = f"{args.out}/{args.label}-{phase}"
            load = subprocess.Popen(
                [str(Path(sys.executable).parent / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
                 "-u", str(args.users), "-r", str(args.users), "-t", f"{args.duration}s", "--host", base,
                 "--csv", prefix, "--only-summary"], env=dict(env, ASIS_LOAD="catalogue"),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            extra: dict[str, object] = {}
            if phase.startswith("import"):
                time.sleep(5)
                started = time.monotonic()
                done = subprocess.run([sys.executable, str(HERE / "bench_import.py"), "--rows", str(args.rows),
                                       "--keep"], env=env, capture_output=True, text=True, check=False)
                extra = {"import_wall_seconds": round(time.monotonic() - started, 1),
                         "import": done.stdout.strip().splitlines()[-1:] or done.stderr[-300:]}
            load.wait()
            if child is not None:
                out, _err = child.communicate(timeout=120)
                extra.update(json.loads(out.strip().splitlines()[-1]) if out.strip() else {})
            sampler.stop.set()
            sampler.join()
            result = {"label": args.label, "phase": phase, **_stats(prefix), **extra,
                      "worker_rss_peak_mib": sorted(round(v) for v in sampler.peak.values()),
                      "worker_rss_end_mib": sorted(round(v) for v in sampler.last.values())}
            print(json.dumps(result), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
        if "import" in args.phases:
            subprocess.run([sys.executable, __file__, "--cleanup"], env=env, check=False)


if __name__ == "__main__":
    main()
