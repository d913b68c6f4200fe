"""Single-request time, query count and size of the calls pages on the benchmark call.

    ASIS_DATABASE_URL=postgres://asis:asis@127.0.0.1:5432/asis_bench_calls \\
    DJANGO_SETTINGS_MODULE=asis.settings.dev .venv/bin/python benchmarks/calls/pages.py calls:results ...

Run benchmarks/calls/run.sh first (it builds the call). Best of 3 after one warm-up request.
"""

from __future__ import annotations

import sys
import time


def main(route_names: list[str]) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from asis.accounts.models import User
    from asis.calls.models import Call

    client = Client()
    client.force_login(User.objects.get(email="bench-manager@asis.example"))
    call = Call.objects.get(title__startswith="Benchmark call")
    for name in route_names:
        url = reverse(name, args=[call.pk])
        client.get(url, HTTP_HOST="127.0.0.1")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - started)
        print(name, response.status_code, f"{min(times) * 1000:.0f} ms", len(queries), "queries",
              f"{len(response.content) // 1024} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
