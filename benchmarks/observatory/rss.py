"""Time one HTTP download while sampling the server's memory (RSS from /proc, every 50 ms).

    python benchmarks/observatory/rss.py --pid GUNICORN_MASTER_PID --url http://127.0.0.1:PORT/en/observatory/export.csv

Reports the download time, its size, and the peak RSS of the busiest gunicorn worker (the
process that served the request) and of master + workers together, in MiB.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.request
from pathlib import Path


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            path = task / "children"
            if path.exists():
                found += [int(p) for p in path.read_text().split()]
    except FileNotFoundError:  # the process (or one of its threads) ended while we looked
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True, help="gunicorn master")
    parser.add_argument("--url", required=True)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    workers = children(args.pid)
    baseline = {pid: rss_kib(pid) for pid in workers}
    peak = dict(baseline)
    peak_total = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_total
        while not done.is_set():
            total = rss_kib(args.pid)
            for pid in workers:
                value = rss_kib(pid)
                peak[pid] = max(peak[pid], value)
                total += value
            peak_total = max(peak_total, total)
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.monotonic()
    size = 0
    with urllib.request.urlopen(args.url, timeout=args.timeout) as response:  # noqa: S310  (local benchmark)
        status = response.status
        while chunk := response.read(1 << 16):
            size += len(chunk)
    elapsed = time.monotonic() - started
    done.set()
    thread.join()
    busiest = max(workers, key=lambda p: peak[p] - baseline[p]) if workers else args.pid
    print(json.dumps({
        "url": args.url, "status": status, "seconds": round(elapsed, 2), "bytes": size,
        "worker_rss_before_mib": round(baseline.get(busiest, 0) / 1024, 1),
        "worker_rss_peak_mib": round(peak.get(busiest, 0) / 1024, 1),
        "server_rss_peak_total_mib": round(peak_total / 1024, 1),
    }))


if __name__ == "__main__":
    main()
