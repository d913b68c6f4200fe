"""Multilingual full-text search over initiatives.

Each initiative has one document per language (its texts in that language, falling back to the
original, plus organisation and region names). PostgreSQL indexes each document with the
language's text-search configuration (``simple`` for Slovenian, which has none) in a GIN-indexed
tsvector; SQLite mirrors the documents into an FTS5 table (unicode61, diacritics removed).
A query matches an initiative when it matches any of its language documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import Q

from asis.observatory.models import Initiative, InitiativeSearch

PG_CONFIGS = {"en": "english", "fr": "french", "de": "german", "it": "italian", "sl": "simple"}
_TEXT_FIELDS = ("title", "summary", "description", "pillar_need", "pillar_collaboration", "pillar_impact", "results")
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _documents(initiative: Initiative) -> dict[str, str]:
    names = [link.organisation.name for link in initiative.organisation_links.all()]
    names += [f"{r.code} {r.name}" for r in initiative.regions.all()]
    tail = " ".join(names)
    docs = {}
    for lang in settings.LANGUAGE_CODES:
        parts = [initiative.translated(field, lang).text for field in _TEXT_FIELDS]
        docs[lang] = " ".join(p for p in parts if p) + " " + tail
    return docs


def index_initiatives(initiatives: Iterable[Initiative]) -> int:
    """(Re)build the search documents of the given initiatives. Call inside the writing transaction."""
    items = list(initiatives)
    if not items:
        return 0
    ids = [i.pk for i in items]
    rows = []
    for initiative in items:
        for lang, text in _documents(initiative).items():
            rows.append(InitiativeSearch(initiative_id=initiative.pk, language=lang, document=text))
    with transaction.atomic():
        InitiativeSearch.objects.filter(initiative_id__in=ids).delete()
        InitiativeSearch.objects.bulk_create(rows, batch_size=2000)
        if connection.vendor == "postgresql":
            for lang, config in PG_CONFIGS.items():
                InitiativeSearch.objects.filter(initiative_id__in=ids, language=lang).update(
                    vector=SearchVector("document", config=config)
                )
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                marks = ",".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM observatory_fts WHERE initiative_id IN ({marks})", ids)  # noqa: S608  # nosec B608  # only "%s" placeholders are formatted in; the ids are parameters
                cursor.executemany(
                    "INSERT INTO observatory_fts (document, initiative_id, language) VALUES (%s, %s, %s)",
                    [(r.document, r.initiative_id, r.language) for r in rows],
                )
        _catalogue_changed()  # now, for this transaction's own reads ...
        transaction.on_commit(_catalogue_changed)  # ... and again once others can see the change
    return len(items)


def _catalogue_changed() -> None:
    from asis.observatory.filters import catalogue_changed

    catalogue_changed()


def index_prefetch(queryset):  # type: ignore[no-untyped-def]
    return queryset.prefetch_related("organisation_links__organisation", "regions")


def reindex_all(batch: int = 1000) -> int:
    """Rebuild every document (after a restore or an import)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM observatory_fts")
    total = 0
    last = 0
    while True:
        chunk = list(index_prefetch(Initiative.objects.filter(pk__gt=last).order_by("pk"))[:batch])
        if not chunk:
            return total
        total += index_initiatives(chunk)
        last = chunk[-1].pk


def _fts5_query(text: str) -> str:
    """User text -> a safe FTS5 query: every word must appear (prefix match), no operators."""
    tokens = _TOKEN.findall(text)
    return " ".join(f'"{token}"*' for token in tokens[:20])


def matching_ids(text: str, among: Sequence[int] | None = None) -> list[int] | None:
    """Ids of initiatives (any status, or only those ``among`` the given ids) whose documents match
    ``text``; None for text without words."""
    if not _TOKEN.search(text or ""):
        return None
    if connection.vendor == "sqlite":
        sql = "SELECT DISTINCT initiative_id FROM observatory_fts WHERE observatory_fts MATCH %s"
        params: list[object] = [_fts5_query(text)]
        if among is not None:
            sql += " AND initiative_id IN ({})".format(",".join(["%s"] * len(among))) if among else " AND 0"
            params += list(among)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
    documents = InitiativeSearch.objects.filter(_pg_condition(text))
    if among is not None:
        documents = documents.filter(initiative_id__in=among)
    return list(documents.values_list("initiative_id", flat=True).distinct())


def _pg_condition(text: str) -> Q:
    condition = Q()
    for lang, config in PG_CONFIGS.items():
        condition |= Q(language=lang, vector=SearchQuery(text, config=config, search_type="websearch"))
    return condition


def filter_by_text(queryset, text: str):  # type: ignore[no-untyped-def]
    """Restrict an Initiative queryset to those matching ``text`` (unchanged for text without words)."""
    if not _TOKEN.search(text or ""):
        return queryset
    if connection.vendor == "sqlite":
        return queryset.filter(pk__in=matching_ids(text) or [])
    return queryset.filter(pk__in=InitiativeSearch.objects.filter(_pg_condition(text)).values("initiative_id"))
