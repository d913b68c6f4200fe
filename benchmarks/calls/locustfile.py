"""Load test: the results page of a large call under 20 concurrent programme managers.

    .venv/bin/python benchmarks/calls/results/services.py                    # build the call, compute once
    .venv/bin/python benchmarks/calls/results/services.py --serve            # prints {"call_id", "sessionid"}
    ASIS_DATABASE_URL=sqlite:///var/bench-calls.sqlite3 .venv/bin/asis serve --port 8766 &
    CALL_ID=... SESSIONID=... .venv/bin/locust -f benchmarks/calls/locustfile.py --headless \
        -u 20 -r 5 -t 60s --host http://127.0.0.1:8766 --csv benchmarks/calls/results-locust

Target: results page p95 <= 300 ms. Each simulated manager reads the first page of the ranking,
another method's tab and a later page, with one to two seconds between requests.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

CALL_ID = os.environ.get("CALL_ID", "1")
SESSIONID = os.environ.get("SESSIONID", "")


class Manager(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSIONID)

    @task(3)
    def results_page(self) -> None:
        self.client.get(f"/en/calls/manage/{CALL_ID}/results/", name="results")

    @task(1)
    def other_method(self) -> None:
        self.client.get(f"/en/calls/manage/{CALL_ID}/results/?method=topsis", name="results?method")

    @task(1)
    def later_page(self) -> None:
        self.client.get(f"/en/calls/manage/{CALL_ID}/results/?page={random.randint(2, 60)}", name="results?page")
