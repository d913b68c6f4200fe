"""Time the automatic assignment of evaluators on a large call: the engine alone and the service.

    .venv/bin/python benchmarks/calls/review/assignment.py [--applications 5000] [--evaluators 300] [--k 3]
                                                    [--conflicts 0.02] [--repeat 3] [--no-service]

1. Engine only (``asis.engines.assignment.assign``): N applications x E evaluators, k per
   application, a random share of conflicted pairs, random expertise costs on half the
   applications; best of ``--repeat`` runs. Target: <= 10 s.
2. Service (``asis.calls.review.assignment.assignments_auto``) on SQLite (``var/bench-assign.sqlite3``,
   built once and found again by the call's title): read the call, run the engine, bulk-create the
   assignments with one audit entry, one e-mail per evaluator (local memory backend). The
   assignments are deleted before each run.

Prints one JSON line with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time

from _setup import setup_django  # noqa: E402  (sibling module of this script)

TITLE = "Assignment benchmark: {n} applications"


def engine_only(n: int, m: int, k: int, share: float, seed: int, repeat: int) -> dict[str, object]:
    import numpy as np

    from asis.engines.assignment import EvaluatorSpec, assign

    rng = np.random.default_rng(seed)
    apps = list(range(n))
    specs = [EvaluatorSpec(j) for j in range(m)]
    rows, cols = np.nonzero(rng.random((n, m)) < share)
    conflicts = list(zip(rows.tolist(), cols.tolist(), strict=True))
    costs = {(a, j): float(c) for a in range(0, n, 2) for j, c in enumerate(rng.random(m).round(2))}
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = assign(apps, specs, k, conflicts=conflicts, costs=costs)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return {"engine_s": round(best, 3), "pairs": len(result.pairs), "spread": result.spread,
            "conflicts": len(conflicts), "sparse": result.sparse, "candidate_pairs": result.candidate_pairs,
            "rounds": result.rounds}




def build(n: int, m: int, share: float, seed: int):  # noqa: ANN201
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from asis.accounts.models import Membership, Organisation, Role, User
    from asis.calls.models import Application, Call, ConflictOfInterest, Evaluator
    from asis.engines.grids import load_builtin
    from asis.regions.models import Region

    title = TITLE.format(n=n)
    call = Call.objects.filter(title=title).first()
    manager = User.objects.filter(email="bench-assign-manager@asis.example").first()
    if call is not None and manager is not None:
        return call, manager
    rng = random.Random(seed)
    region = Region.objects.order_by("code").first()
    now = timezone.now()
    with transaction.atomic():
        org = Organisation.objects.create(name="Assignment benchmark authority", type=Organisation.Type.PUBLIC_AUTHORITY,
                                          region=region, country=region.country)
        lead = Organisation.objects.create(name="Assignment benchmark applicant", type=Organisation.Type.NGO,
                                           region=region, country=region.country)
        manager = User.objects.create_user("bench-assign-manager@asis.example", "bench-password-123")
        Membership.objects.create(user=manager, organisation=org, role=Role.PROGRAMME_MANAGER)
        applicant = User.objects.create_user("bench-assign-applicant@asis.example", "bench-password-123")
        call = Call.objects.create(
            organisation=org, title=title, budget=Decimal("1000000"), min_grant=Decimal("0"),
            max_grant=Decimal("100000"), opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=10),
            status=Call.Status.PUBLISHED, grid=load_builtin("asis").to_dict(), evaluators_per_application=3,
            published_at=now - timedelta(days=61))
        Application.objects.bulk_create([
            Application(call=call, applicant=applicant, organisation=lead, region=region,
                        reference=f"BA{call.pk}-{i:05d}", title=f"Benchmark project {i}",
                        status=Application.Status.SUBMITTED, eligibility=Application.Eligibility.ELIGIBLE,
                        submitted_at=now) for i in range(n)], batch_size=1000)
        users = User.objects.bulk_create([User(email=f"bench-assign-ev{j}@asis.example") for j in range(m)])
        evaluators = Evaluator.objects.bulk_create([
            Evaluator(call=call, user=u, status=Evaluator.Status.ACCEPTED) for u in users])
        app_ids = list(Application.objects.filter(call=call).values_list("pk", flat=True))
        ConflictOfInterest.objects.bulk_create([
            ConflictOfInterest(evaluator=e, application_id=a, type=ConflictOfInterest.Type.MANUAL, note="bench")
            for a in app_ids for e in evaluators if rng.random() < share], batch_size=2000)
    return call, manager


def service(n: int, m: int, share: float, seed: int, repeat: int) -> dict[str, object]:
    setup_django("bench-assign.sqlite3")
    from asis.calls.models import Assignment
    from asis.calls.review.assignment import assignment_inputs, assignments_auto

    start = time.perf_counter()
    call, manager = build(n, m, share, seed)
    built = time.perf_counter() - start
    best_read, best_total, summary = float("inf"), float("inf"), {}
    for _ in range(repeat):
        Assignment.objects.filter(application__call=call).delete()
        start = time.perf_counter()
        assignment_inputs(call)
        best_read = min(best_read, time.perf_counter() - start)
        start = time.perf_counter()
        summary = assignments_auto(actor=manager, call=call)
        best_total = min(best_total, time.perf_counter() - start)
    return {"build_s": round(built, 1), "service_read_s": round(best_read, 3), "service_total_s": round(best_total, 3),
            "created": summary.get("created"), "service_spread": summary.get("spread")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--evaluators", type=int, default=300)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--conflicts", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-service", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {"applications": args.applications, "evaluators": args.evaluators, "k": args.k,
                              "conflict_share": args.conflicts, "cpus": os.cpu_count(),
                              "python": platform.python_version()}
    out.update(engine_only(args.applications, args.evaluators, args.k, args.conflicts, args.seed, args.repeat))
    if not args.no_service:
        out.update(service(args.applications, args.evaluators, args.conflicts, args.seed, args.repeat))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
