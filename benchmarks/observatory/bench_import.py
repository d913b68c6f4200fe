"""Time the observatory importer (``asis.observatory.imports``) on N generated CSV rows.

    ASIS_DATABASE_URL=postgres://... python benchmarks/observatory/bench_import.py --rows 10000

Rows come from the demo planner (realistic texts, all regions, existing lead organisations).
Times: parsing + validation (the preview an editor sees) and the all-or-nothing commit. The
commit runs inside a transaction that is rolled back afterwards, so the benchmark database keeps
its size and the run can be repeated; pass --keep to keep the rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    import django

    django.setup()
    from django.db import transaction

    from asis.accounts.models import User
    from asis.observatory import imports
    from asis.observatory.demo import load_context, plan_initiative

    rng = random.Random(args.seed)
    ctx = load_context()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.INITIATIVE_COLUMNS)
    for index in range(args.rows):
        planned = plan_initiative(rng, ctx, index)
        p, lead = planned.initiative, planned.organisations[0][0]
        writer.writerow([f"{p.title} (import {index + 1})", p.summary, p.description, p.original_language,
                         ctx.regions[index % len(ctx.regions)].code, p.stage, p.start_date or "",
                         p.end_date or "", "", "", lead.pk, p.latitude or "", p.longitude or "",
                         p.budget_eur or "", p.people_reached or "", ";".join(p.links)])
    data = out.getvalue().encode("utf-8")
    actor, _created = User.objects.get_or_create(email="bench-admin@asis.example",
                                                 defaults={"is_superuser": True, "is_staff": True})
    started = time.monotonic()
    table = imports.read_table(data, "bench.csv", "initiatives")
    valid, errors = imports.validate("initiatives", table)
    preview = time.monotonic() - started
    if errors:
        raise SystemExit(f"{len(errors)} row errors, first: {errors[:3]}")
    started = time.monotonic()
    with transaction.atomic():
        count = imports.import_commit(actor=actor, kind="initiatives", table=table)
        commit = time.monotonic() - started
        if not args.keep:
            transaction.set_rollback(True)
    print(json.dumps({"rows": count, "bytes": len(data), "preview_seconds": round(preview, 1),
                      "commit_seconds": round(commit, 1), "kept": args.keep}))


if __name__ == "__main__":
    main()
