"""Load profile for the observatory (run by run.sh; usable alone).

    locust -f benchmarks/observatory/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:PORT

Each simulated client, after a think time of 0.5-1.5 s, does one of three things: a full-text
catalogue search narrowed by two facets, the map's region aggregate with filters, or the health
endpoint (a trivial Django view: the ceiling for this server). ``ASIS_LOAD=catalogue|map|health``
restricts the clients to one of them (run.sh runs one phase per endpoint, so a slow endpoint
does not hide the others' figures behind a saturated server); ``mixed`` (default) does all three
with equal weight. Requests are grouped by ``name`` so the CSV has one line per kind.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

WORDS = ["cooperative", "energy", "care", "Pflege", "mobilità", "coworking", "logement", "zadruga",
         "village", "Dorfladen", "infermiere", "housing", "volunteers", "solaire", "digital"]
CHALLENGES = ["depopulation-urban-degradation", "unemployment", "care-services", "ageing", "mobility",
              "housing", "energy-climate", "digital-inclusion", "youth", "food-systems"]
AXES = ["local-communities", "employment-models", "care-close-to-people"]
COUNTRIES = ["AT", "CH", "DE", "FR", "IT", "SI"]
STAGES = ["idea", "pilot", "implementation", "scaling", "ended"]
LANGS = ["en", "fr", "de", "it", "sl"]


LOAD = os.environ.get("ASIS_LOAD", "mixed")


def _weight(name: str) -> int:
    return 1 if LOAD in ("mixed", name) else 0


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    @task(_weight("catalogue"))
    def catalogue_search_two_facets(self) -> None:
        lang = random.choice(LANGS)
        params = {"q": random.choice(WORDS), "country": random.choice(COUNTRIES),
                  "challenge": random.choice(CHALLENGES)}
        self.client.get(f"/{lang}/observatory/", params=params, name="catalogue: search + 2 facets")

    @task(_weight("map"))
    def map_regions(self) -> None:
        params = {"challenge": random.choice(CHALLENGES), "stage": random.choice(STAGES)}
        if random.random() < 0.5:
            params["axis"] = random.choice(AXES)
        self.client.get("/en/observatory/map/regions.geojson", params=params, name="map: regions.geojson")

    @task(_weight("health"))
    def health(self) -> None:
        self.client.get("/api/v1/health", name="ceiling: /api/v1/health")
