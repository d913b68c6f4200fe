"""Time the facet index alone: full build, freshness check, patches of 1 / 100 / 2,000 changes.

    ASIS_DATABASE_URL=postgres://.../asis_bench_catalogue python benchmarks/observatory/bench_index.py

The changes are written inside a transaction that is rolled back, so the database keeps its data.
Reports seconds, the size of the index's arrays and the RSS of this process before and after.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    import django

    django.setup()
    from django.db import transaction

    from asis.observatory.facet_index import FacetIndex, catalogue_version, refresh
    from asis.observatory.models import Initiative

    out: dict[str, object] = {"rss_before_mib": rss_mib()}
    started = time.monotonic()
    index = refresh()
    out["build_seconds"] = round(time.monotonic() - started, 2)
    out["initiatives"] = index.size
    arrays = [index.ids, *index.sort_keys.values(), *(c.codes for c in index.single.values()),
              *(a for p in index.multi.values() for a in (p.rows, p.vals))]
    out["index_array_mib"] = round(sum(a.nbytes for a in arrays) / 2**20, 1)
    out["rss_after_build_mib"] = rss_mib()
    started = time.monotonic()
    for _ in range(100):
        catalogue_version()
    out["freshness_check_ms"] = round((time.monotonic() - started) * 10, 3)
    ids = list(Initiative.objects.filter(status="published").values_list("pk", flat=True)[:2000])
    for n in (1, 100, 2000):
        with transaction.atomic():
            Initiative.objects.filter(pk__in=ids[:n]).update(stage="ended")
            builds = FacetIndex.builds
            started = time.monotonic()
            patched = refresh()
            out[f"patch_{n}_seconds"] = round(time.monotonic() - started, 3)
            out[f"patch_{n}_was_patch"] = FacetIndex.builds == builds and patched is not index
            transaction.set_rollback(True)
        index = refresh()  # back to the committed version (the counter went back: a rebuild)
    out["rss_end_mib"] = rss_mib()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
