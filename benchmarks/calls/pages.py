"""Single-request time, query count and size of the calls pages on the benchmark call.

    ASIS_DATABASE_URL=postgres://asis:asis@127.0.0.1:5432/asis_bench_calls \
    DJANGO_SETTINGS_MODULE=asis.settings.dev .venv/bin/python benchmarks/calls/pages.py calls:results ...

Run benchmarks/calls/run.sh first (it builds the call). Best of 3 after one warm-up request.
"""

import sys
import time

import django

django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asis.accounts.models import User
from asis.calls.models import Call

c=Client(); c.force_login(User.objects.get(email="bench-manager@asis.example"))
call=Call.objects.get(title__startswith="Benchmark call")
for name in sys.argv[1:]:
    url=reverse(name, args=[call.pk])
    c.get(url, HTTP_HOST="127.0.0.1")
    ts=[]
    for _ in range(3):
        t=time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            r=c.get(url, HTTP_HOST="127.0.0.1")
        ts.append(time.perf_counter()-t)
    print(name, r.status_code, round(min(ts)*1000), "ms", len(q), "queries", len(r.content)//1024, "KB")
