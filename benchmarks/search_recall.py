"""Search recall: does the catalogue find what people type?

    .venv/bin/python benchmarks/search_recall.py [--database URL] [--queries FILE] [--json OUT]
    .venv/bin/python benchmarks/search_recall.py --build      # fill the "expect" lists of the query file

Runs every query of ``benchmarks/search_queries.json`` through the catalogue exactly as a visitor
would (``filters.ordered_ids`` of ``CatalogueQuery(q=...)``, default order) and compares the first
ten results with the initiatives that must be found:

* recall@10 of a query = |relevant in the first 10| / min(|relevant|, 10), so a query with 40 relevant
  initiatives scores 1 when its first ten results are all relevant;
* reciprocal rank = 1 / rank of the first relevant result (0 when none is in the first 10);
  MRR is its mean over the queries.

Without ``--database`` a fresh SQLite file is created; with a PostgreSQL URL the database must exist
(it is migrated). The demo (``asis demo --seed 2018``) is loaded when it holds no initiative.
Initiatives are named by their stable demo reference ``initiative-N`` (from the demo link
``https://initiative-N.demo.asis.example/``), never by database id.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "search_queries.json"
K = 10
THEME_NAMES = ("care", "shop", "work", "mobility", "coworking", "housing", "energy", "digital", "health", "district")
_REF = re.compile(r"https://(initiative-\d+)\.demo\.asis\.example/")


def recall_at(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    wanted = set(relevant)
    if not wanted:
        return 1.0
    return len(wanted & set(ranked[:k])) / min(len(wanted), k)


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    wanted = set(relevant)
    for position, ref in enumerate(ranked[:k], start=1):
        if ref in wanted:
            return 1.0 / position
    return 0.0


def evaluate(queries: Sequence[dict[str, Any]], search: Callable[[str], list[str]], k: int = K) -> dict[str, Any]:
    """Recall@k and MRR over ``queries`` (dicts with q, lang, expect), overall, per language and per case."""
    rows = []
    for query in queries:
        ranked = search(query["q"])
        rows.append({"q": query["q"], "lang": query.get("lang", ""), "case": query.get("case", ""),
                     "recall": recall_at(ranked, query["expect"], k), "rr": reciprocal_rank(ranked, query["expect"], k),
                     "top": ranked[:3]})

    def summary(selected: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(selected)
        return {"queries": n, "recall": sum(r["recall"] for r in selected) / n if n else 0.0,
                "mrr": sum(r["rr"] for r in selected) / n if n else 0.0,
                "zero": sum(1 for r in selected if r["rr"] == 0.0)}

    return {
        "all": summary(rows),
        "languages": {lang: summary([r for r in rows if r["lang"] == lang])
                      for lang in sorted({r["lang"] for r in rows})},
        "cases": {case: summary([r for r in rows if r["case"] == case]) for case in sorted({r["case"] for r in rows})},
        "rows": rows,
    }


def reference(links: Sequence[str]) -> str:
    for link in links or ():
        found = _REF.match(str(link))
        if found:
            return found.group(1)
    return ""


def catalogue_search(text: str) -> list[str]:
    """The first ``K`` results of the catalogue for ``text``, as demo references."""
    from asis.observatory import filters
    from asis.observatory.models import Initiative

    ids = filters.ordered_ids(filters.CatalogueQuery.from_params({"q": text}))[:K]
    links = dict(Initiative.objects.filter(pk__in=ids).values_list("pk", "links"))
    return [reference(links[pk]) for pk in ids]


def classify() -> dict[str, tuple[int, int, str]]:
    """Published demo initiatives: reference -> (theme, title variant, region code), from the original
    title (which the demo builds from the theme's title pattern and the region's name)."""
    from asis.demo.vocabulary_observatory import THEMES
    from asis.observatory.models import Initiative

    found: dict[str, tuple[int, int, str]] = {}
    for initiative in Initiative.objects.filter(status="published").prefetch_related("regions"):
        region = initiative.regions.all()[0]
        for t, theme in enumerate(THEMES):
            for v, pattern in enumerate(theme.titles[initiative.original_language]):
                if pattern.format(place=region.name) == initiative.title:
                    found[reference(initiative.links)] = (t, v, region.code)
    return found


def expand(about: Sequence[str], classes: dict[str, tuple[int, int, str]]) -> list[str]:
    """``theme[/variant][@region]`` descriptions -> the references they name."""
    refs: set[str] = set()
    for item in about:
        head, _at, region = item.partition("@")
        name, _slash, variant = head.partition("/")
        theme = THEME_NAMES.index(name)
        refs |= {ref for ref, (t, v, code) in classes.items()
                 if t == theme and (not variant or v == int(variant)) and (not region or code == region)}
    return sorted(refs, key=lambda ref: int(ref.split("-")[1]))


def _setup(database: str | None) -> str:
    if database is None:
        database = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="asis-recall-"), "recall.sqlite3")
    os.environ["ASIS_DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.ASIS_FACET_INDEX_BACKGROUND = False  # answer from the current catalogue, no thread
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from asis.demo.generator import DemoSize, demo_generate
    from asis.observatory.models import Initiative

    if not Initiative.objects.exists():
        demo_generate(seed=2018, size=DemoSize())
    return database


def _print(report: dict[str, Any], label: str) -> None:
    print(f"{label}: recall@{K} {report['all']['recall']:.3f}  MRR {report['all']['mrr']:.3f}  "
          f"({report['all']['queries']} queries, {report['all']['zero']} with nothing relevant in the first {K})")
    for group in ("languages", "cases"):
        for key, item in report[group].items():
            print(f"  {key:<12} recall {item['recall']:.3f}  MRR {item['mrr']:.3f}  n={item['queries']}  "
                  f"zero={item['zero']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--json", help="write the full report (every query) to this file")
    parser.add_argument("--build", action="store_true", help="fill the query file's expect lists from 'about'")
    parser.add_argument("--verbose", action="store_true", help="print every query")
    args = parser.parse_args(argv)
    database = _setup(args.database)
    data = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    if args.build:
        classes = classify()
        for query in data["queries"]:
            query["expect"] = expand(query["about"], classes)
        Path(args.queries).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(data['queries'])} queries written to {args.queries}")
        return 0
    from django.db import connection

    report = evaluate(data["queries"], catalogue_search)
    _print(report, f"{connection.vendor} ({database.split('@')[-1]})")
    if args.verbose:
        for row in report["rows"]:
            print(f"  [{row['lang']}] {row['q']!r:32} recall {row['recall']:.2f} rr {row['rr']:.2f} {row['top']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    sys.exit(main())
