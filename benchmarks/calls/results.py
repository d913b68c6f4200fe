"""Time a call's full results recomputation and the results page, on a large call.

    .venv/bin/python benchmarks/calls/results/services.py [--applications 5000] [--evaluators 300] [--reviews 3]
    ASIS_BENCH_DB=postgres://asis:asis@127.0.0.1:5432/asis_bench .venv/bin/python benchmarks/calls/results/services.py

Builds (once; found again by its title on the next run) a call in evaluation with N eligible,
submitted applications, E evaluators and R submitted reviews per application on the 11 criteria
of the ASIS grid (integer scores 0-5 around a per-application quality, with evaluator
leniency), on SQLite in ``var/bench-calls.sqlite3`` by default or on the database
``ASIS_BENCH_DB`` names. Then times, wall clock, single process:

- the full recomputation ``call_results_compute`` (load, assess with SMAA 2,000 draws, the
  portfolio MILP beside the greedy rule, the other ranking methods, ranks without calibration,
  storing the ResultSet): target <= 15 s;
- the results page (GET, stored ResultSet, first page of the ranking), best and median of 20;
- the what-if (GET, htmx fragment) with other weights, median of 5.

Prints one JSON line. ``--serve`` also prints the manager's session cookie for the locust run
(benchmarks/calls/locustfile.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from _setup import setup_django  # noqa: E402  (sibling module of this script)

TITLE = "Benchmark call: {n} applications"




def build(n_apps: int, n_evaluators: int, n_reviews: int, seed: int):  # noqa: ANN201
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from asis.accounts.models import Membership, Organisation, Role, User
    from asis.calls.models import Application, Assignment, Call, Evaluator, Review, ReviewScore
    from asis.engines.grids import load_builtin
    from asis.regions.models import Region

    title = TITLE.format(n=n_apps)
    call = Call.objects.filter(title=title).first()
    manager = User.objects.filter(email="bench-manager@asis.example").first()
    if call is not None and manager is not None:
        return call, manager
    rng = random.Random(seed)
    grid = load_builtin("asis")
    regions = list(Region.objects.all()[:40])
    now = timezone.now()
    with transaction.atomic():
        org = Organisation.objects.create(name="Benchmark authority", type=Organisation.Type.PUBLIC_AUTHORITY,
                                          region=regions[0], country=regions[0].country)
        manager = User.objects.create_user("bench-manager@asis.example", "bench-password-123",
                                           full_name="Bench Manager")
        Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
        call = Call.objects.create(
            organisation=org, title=title, budget=Decimal(n_apps) * Decimal("50000") / 5, min_grant=Decimal("10000"),
            max_grant=Decimal("150000"), opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=10),
            status=Call.Status.PUBLISHED, grid=grid.to_dict(), ranking_methods=["weighted_sum", "topsis"],
            calibration=Call.Calibration.STANDARDISE, smaa_draws=2000, published_at=now - timedelta(days=61),
            portfolio_constraints={"groups": [{"dimension": "country", "group": "AT", "max_share": 0.5}]})
        applicant = User.objects.create_user("bench-applicant@asis.example", "bench-password-123")
        users = User.objects.bulk_create([User(email=f"bench-eval-{k}@asis.example") for k in range(n_evaluators)])
        evaluators = Evaluator.objects.bulk_create([Evaluator(call=call, user=u, status="accepted") for u in users])
        apps = Application.objects.bulk_create([Application(
            call=call, reference=f"B{call.pk}-{i:05d}", applicant=applicant, organisation=org,
            region=regions[i % len(regions)], title=f"Benchmark project {i}", summary="Generated.",
            requested_amount=Decimal(rng.randrange(20, 150) * 1000), total_cost=Decimal("200000"),
            status=Application.Status.SUBMITTED, eligibility=Application.Eligibility.ELIGIBLE, submitted_at=now)
            for i in range(n_apps)], batch_size=1000)
        pairs = []
        for app in apps:
            for k in rng.sample(range(n_evaluators), n_reviews):
                pairs.append((evaluators[k], app))
        assignments = Assignment.objects.bulk_create([Assignment(evaluator=e, application=a) for e, a in pairs],
                                                     batch_size=2000)
        reviews = Review.objects.bulk_create([Review(assignment=a, status="submitted", submitted_at=now)
                                              for a in assignments], batch_size=2000)
        quality = [rng.gauss(3.2, 0.8) for _ in apps]
        leniency = {e.pk: rng.gauss(0, 0.5) for e in evaluators}
        index = {a.pk: i for i, a in enumerate(apps)}
        scores = []
        for review, assignment in zip(reviews, assignments, strict=True):
            base = quality[index[assignment.application_id]] + leniency[assignment.evaluator_id]
            for criterion in grid.criteria:
                if criterion.scale == "pass-fail":
                    value = 1
                else:
                    value = min(5, max(0, round(base + rng.gauss(0, 0.7))))
                scores.append(ReviewScore(review=review, criterion=criterion.id, score=Decimal(value)))
        ReviewScore.objects.bulk_create(scores, batch_size=5000)
    return call, manager


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--evaluators", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--serve", action="store_true", help="print the session cookie for locust and exit")
    args = parser.parse_args()
    setup_django("bench-calls.sqlite3")
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from asis.calls.models import ReviewScore
    from asis.calls.results.services import call_results_compute

    started = time.monotonic()
    call, manager = build(args.applications, args.evaluators, args.reviews, args.seed)
    build_seconds = time.monotonic() - started
    client = Client()
    client.force_login(manager)
    if args.serve:
        print(json.dumps({"call_id": call.pk, "sessionid": client.cookies["sessionid"].value}))
        return
    started = time.monotonic()
    result = call_results_compute(actor=manager, call=call)
    compute = time.monotonic() - started
    with translation.override("en"):
        url = reverse("calls:results", args=[call.pk])
        whatif_url = reverse("calls:results_whatif", args=[call.pk])
    page_times = []
    for _ in range(20):
        started = time.monotonic()
        response = client.get(url)
        page_times.append(time.monotonic() - started)
        assert response.status_code == 200, response.status_code
    weights = {c["id"]: str(1 + k % 3) for k, c in enumerate(result.data["criteria"])}
    whatif_times = []
    for _ in range(5):
        started = time.monotonic()
        response = client.get(whatif_url, weights, HTTP_HX_REQUEST="true")
        whatif_times.append(time.monotonic() - started)
        assert response.status_code == 200
    print(json.dumps({
        "applications": args.applications, "evaluators": args.evaluators, "reviews_per_application": args.reviews,
        "scores": ReviewScore.objects.filter(review__assignment__application__call=call).count(),
        "build_seconds": round(build_seconds, 1), "compute_seconds": round(compute, 2),
        "result_json_bytes": len(json.dumps(result.data)),
        "page_best_ms": round(min(page_times) * 1000, 1), "page_median_ms": round(statistics.median(page_times) * 1000, 1),
        "whatif_median_ms": round(statistics.median(whatif_times) * 1000, 1),
        "portfolio": {k: result.data["portfolio"].get(k) for k in ("status", "count", "gap")},
    }))


if __name__ == "__main__":
    main()
