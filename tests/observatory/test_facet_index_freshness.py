"""The facet index follows every write without stalling requests (ADR 0004).

Every write to the catalogue's tables bumps a version and logs the initiatives it touched (database
triggers); a process checks the version with one primary-key read and patches its index with the
changed rows, in a background thread while the previous index keeps serving.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asis.accounts.models import Organisation
from asis.demo.generator import DemoSize, demo_generate
from asis.observatory import facet_index, filters
from asis.observatory.facet_index import FacetIndex, forget, get_index, refresh
from asis.observatory.filters import FACETS, SORTS, CatalogueQuery
from asis.observatory.models import (
    Axis,
    CatalogueChange,
    Challenge,
    Initiative,
    InitiativeOrganisation,
)
from asis.observatory.search import index_initiatives, index_prefetch
from asis.regions.models import Region
from tests.observatory.catalogue_data import publish

PUBLISHED = Initiative.Status.PUBLISHED


@pytest.fixture
def demo(db):
    demo_generate(seed=11, size=DemoSize(organisations_per_region=1, members_per_organisation=1, initiatives=80),
                  steps=("asis.observatory.demo",))  # the catalogue only: the other steps cost 10 s a test
    forget()
    return get_index()


def _everything() -> dict[str, object]:
    """What the catalogue shows for the unfiltered query and a few filtered ones (through the index)."""
    shown: dict[str, object] = {}
    for params in ("", "stage=pilot", "country=AT&country=IT", "sort=title"):
        query = CatalogueQuery.from_params(QueryDict(params))
        shown[params] = (filters.facets(query), filters.result_count(query), filters.ordered_ids(query))
    return shown


def _reference() -> dict[str, object]:
    """The same answers computed by the database."""
    shown: dict[str, object] = {}
    for params in ("", "stage=pilot", "country=AT&country=IT", "sort=title"):
        query = CatalogueQuery.from_params(QueryDict(params))
        ids = list(filters.apply(query).values_list("pk", flat=True))
        if query.sort == "title":  # Python case-folding vs the collation: compare as sets
            shown[params] = ({f: filters.sql_facet_counts(query, f) for f in FACETS}, len(ids), sorted(ids))
        else:
            shown[params] = ({f: filters.sql_facet_counts(query, f) for f in FACETS}, len(ids), ids)
    return shown


def _shown() -> dict[str, object]:
    shown = _everything()
    facets, count, ids = shown["sort=title"]  # type: ignore[misc]
    shown["sort=title"] = (facets, count, sorted(ids))
    return shown


def _first(**conditions: object) -> Initiative:
    return Initiative.objects.filter(status=PUBLISHED, **conditions).order_by("pk").first()


# --- every write path is seen -----------------------------------------------------------------------


def _edit_through_service() -> None:
    from asis.observatory.services import initiative_save

    initiative = _first()
    initiative.stage = Initiative.Stage.SCALING if initiative.stage != "scaling" else Initiative.Stage.IDEA
    initiative_save(actor=None, initiative=initiative)


def _create_through_service() -> None:
    publish(title="Freshly published", regions=("ITC2",), stage="scaling", start=date(2019, 3, 1))


def _moderate() -> None:
    from asis.accounts.models import User
    from asis.observatory.moderation import initiative_moderate

    editor = User.objects.create_superuser("editor-fresh@example.org", "x-secret-1234")
    submitted = publish(title="Waiting for an editor", regions=("FRK2",), status="submitted")
    initiative_moderate(actor=editor, initiative=submitted, decision=PUBLISHED)


def _delete() -> None:
    _first().delete()


def _import() -> None:
    from asis.observatory import imports
    from tests.observatory.test_imports import initiative_row, to_csv

    table = imports.read_table(to_csv([initiative_row(title="Imported cooperative", challenges="",
                                                      regions="SI04", stage="ended")]), "x.csv", "initiatives")
    assert imports.import_commit(actor=None, kind="initiatives", table=table) == 1


def _funded_project_like() -> None:
    """What ``calls.decisions.funded_project_create`` does: ``initiative_save`` of a published initiative."""
    from asis.observatory.services import initiative_save

    initiative = Initiative(title="Funded project", summary="From a call.", stage=Initiative.Stage.IMPLEMENTATION,
                            status=PUBLISHED, published_at=timezone.now(), start_date=date(2026, 1, 1))
    lead = Organisation.objects.filter(status="published").order_by("pk").first()
    initiative_save(actor=None, initiative=initiative, organisations=[(lead, InitiativeOrganisation.Role.LEAD)],
                    regions=list(Region.objects.filter(code="AT33")))


def _bulk_update() -> None:
    Initiative.objects.filter(status=PUBLISHED, stage="pilot").update(stage="ended")


def _raw_sql() -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE observatory_initiative SET start_date = %s WHERE id = %s",
                       [date(1999, 1, 1), _first().pk])


def _challenge_added() -> None:  # no updated_at change: main's signature (count, max(updated_at)) missed it
    initiative = _first()
    initiative.challenges.add(*Challenge.objects.exclude(initiatives=initiative)[:2])


def _organisation_retyped() -> None:
    link = InitiativeOrganisation.objects.filter(initiative__status=PUBLISHED).order_by("pk").first()
    organisation = link.organisation
    Organisation.objects.filter(pk=organisation.pk).update(
        type=next(t for t in Organisation.Type.values if t != organisation.type))


WRITES = [_edit_through_service, _create_through_service, _moderate, _delete, _import, _funded_project_like,
          _bulk_update, _raw_sql, _challenge_added, _organisation_retyped]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_a_search_reflects_every_kind_of_write(demo, write):
    _everything()  # remembered: counts in the cache, masks and text matches in the index
    before = _reference()
    write()
    after = _reference()
    assert after != before, "the write changed nothing visible: the test would prove nothing"
    assert _shown() == after


# --- incremental = full build ------------------------------------------------------------------------


def _random_write(rng: random.Random, words: list[str]) -> None:
    initiative = Initiative.objects.order_by("?").first()
    kind = rng.randrange(12)
    if kind == 0:
        Initiative.objects.filter(pk=initiative.pk).update(stage=rng.choice(Initiative.Stage.values))
    elif kind == 1:
        start = None if rng.random() < 0.3 else date(2005, 1, 1) + timedelta(days=rng.randrange(7000))
        Initiative.objects.filter(pk=initiative.pk).update(start_date=start, end_date=None)
    elif kind == 2:
        status = PUBLISHED if initiative.status != PUBLISHED else rng.choice(["archived", "draft"])
        Initiative.objects.filter(pk=initiative.pk).update(status=status, published_at=timezone.now())
    elif kind == 3:
        initiative.title = f"{rng.choice(words)} {rng.choice(['Alpha', 'beta', 'Zeta', 'alpha'])}"
        initiative.save()
        index_initiatives(index_prefetch(Initiative.objects.filter(pk=initiative.pk)))
    elif kind == 4:
        region = Region.objects.order_by("?").first()
        (initiative.regions.remove if rng.random() < 0.4 else initiative.regions.add)(region)
    elif kind == 5:
        challenge = Challenge.objects.order_by("?").first()
        (initiative.challenges.remove if rng.random() < 0.4 else initiative.challenges.add)(challenge)
    elif kind == 6:
        initiative.axes.set(Axis.objects.order_by("?")[: rng.randrange(3)])
    elif kind == 7:
        organisation = Organisation.objects.order_by("?").first()
        InitiativeOrganisation.objects.get_or_create(initiative=initiative, organisation=organisation,
                                                     role=InitiativeOrganisation.Role.PARTNER)
    elif kind == 8:
        InitiativeOrganisation.objects.filter(pk__in=InitiativeOrganisation.objects.filter(
            initiative=initiative).values("pk")[:1]).delete()
    elif kind == 9:
        Initiative.objects.filter(pk=initiative.pk).update(people_reached=rng.choice([None, 5, 50, 5000]))
    elif kind == 10:
        initiative.delete()
    else:
        publish(title=f"New {rng.choice(words)}", regions=(rng.choice(["AT33", "SI04", "ITC2", "FRK2"]),),
                stage=rng.choice(Initiative.Stage.values), start=date(2000 + rng.randrange(26), 1, 1))


def _random_query(rng: random.Random, index: FacetIndex, words: list[str]) -> CatalogueQuery:
    params = QueryDict(mutable=True)
    for facet in (*FACETS, "organisation"):
        options = sorted(index.facet_counts({}, facet))
        if options and rng.random() < 0.35:
            params.setlist(facet, rng.sample(options, k=min(len(options), rng.randint(1, 3))))
    if rng.random() < 0.4:
        params["q"] = rng.choice(words)
    return CatalogueQuery.from_params(params)


def _assert_same(patched: FacetIndex, fresh: FacetIndex, rng: random.Random, words: list[str]) -> None:
    assert patched.ids.tolist() == fresh.ids.tolist()
    for _ in range(8):
        query = _random_query(rng, fresh, words)
        mine, theirs = patched.masks(query), fresh.masks(query)
        for facet in (*FACETS, "organisation"):
            assert patched.facet_counts(mine, facet) == fresh.facet_counts(theirs, facet), (query, facet)
        for sort in SORTS:
            assert patched.ordered_ids(mine, sort).tolist() == fresh.ordered_ids(theirs, sort).tolist(), (query, sort)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_index_equals_a_full_build_after_random_writes(demo, seed):
    rng = random.Random(seed)
    words = sorted({w for t in Initiative.objects.values_list("title", flat=True) for w in t.split() if len(w) > 4})
    for query in (CatalogueQuery(q=w) for w in words[:10]):  # remembered text matches, patched below
        get_index().masks(query)
    for _round in range(6):
        for _ in range(rng.randint(1, 6)):
            _random_write(rng, words)
        builds = FacetIndex.builds
        patched = refresh()
        assert FacetIndex.builds == builds, "a handful of changes must be patched, not rebuilt"
        assert patched.version == facet_index.catalogue_version()[0]
        _assert_same(patched, FacetIndex(patched.version), rng, words)


def test_many_changes_or_a_pruned_log_rebuild_instead(demo, monkeypatch):
    monkeypatch.setattr(facet_index, "PATCH_MIN", 3)
    monkeypatch.setattr(facet_index, "PATCH_FRACTION", 1000)
    Initiative.objects.filter(pk__in=list(Initiative.objects.filter(status=PUBLISHED).values_list("pk", flat=True)[:5])
                              ).update(stage="ended")
    builds = FacetIndex.builds
    assert refresh().count(refresh().masks(CatalogueQuery(stage=("ended",)))) == \
        filters.apply(CatalogueQuery(stage=("ended",))).count()
    assert FacetIndex.builds == builds + 1

    monkeypatch.setattr(facet_index, "KEEP_VERSIONS", 2)
    applied = get_index().version
    for stage in ("idea", "pilot", "scaling", "ended", "idea"):
        Initiative.objects.filter(pk=_first().pk).update(stage=stage)
    version, _pruned = facet_index.catalogue_version()
    assert facet_index.prune(version, 0) > 0
    assert facet_index.catalogue_version()[1] > applied
    assert not CatalogueChange.objects.filter(version__lte=version - 2).exists()
    builds = FacetIndex.builds
    assert refresh().version == version
    assert FacetIndex.builds == builds + 1  # the log no longer covers this process's version


# --- the request path -------------------------------------------------------------------------------


def test_freshness_check_is_one_primary_key_read(demo, client):
    """No count(*) or max(updated_at) over the catalogue on the request path: one read by key."""
    url = "/en/observatory/?country=AT&challenge=ageing"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        get_index()
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].lower()
    assert "observatory_catalogueversion" in sql and '"id" = 1' in sql.replace("'", "").replace(" ", " ")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    for query in ctx.captured_queries:
        sql = query["sql"].lower()
        assert "max(" not in sql and "count(*)" not in sql, sql


def test_a_stale_index_is_refreshed_in_the_background_while_the_old_one_serves(demo, client, settings, monkeypatch):
    settings.ASIS_FACET_INDEX_BACKGROUND = True
    jobs: list[object] = []
    monkeypatch.setattr(facet_index, "_start_thread", jobs.append)  # the hook: run the thread's job by hand
    before = get_index()
    count = filters.result_count(CatalogueQuery())
    builds = FacetIndex.builds
    victim = _first()
    Initiative.objects.filter(pk=victim.pk).update(status="archived")

    response = client.get("/en/observatory/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count  # served from the previous index
    assert get_index() is before
    assert len(jobs) == 1  # one refresh scheduled, however many requests see the stale version
    assert FacetIndex.builds == builds  # and no request built anything

    jobs[0]()  # what the background thread runs
    assert FacetIndex.builds == builds  # patched, not rebuilt
    assert get_index() is not before and get_index().version == facet_index.catalogue_version()[0]
    assert client.get("/en/observatory/").context["page"].paginator.count == count - 1
    assert victim.pk not in filters.ordered_ids(CatalogueQuery())
    assert before.count({}) == count  # the old object was never modified (requests may still hold it)


def test_the_background_thread_runs_the_refresh(transactional_db, settings):
    """The real thread (its own database connection): the write is committed, the thread patches."""
    settings.ASIS_FACET_INDEX_BACKGROUND = True
    publish(title="First", regions=("AT33",))
    forget()
    first = get_index()
    publish(title="Second", regions=("SI04",))
    assert get_index() is first  # stale, refresh started
    for thread in [t for t in __import__("threading").enumerate() if t.name == "facet-index-refresh"]:
        thread.join(timeout=60)
    assert get_index().size == first.size + 1


def test_text_matches_survive_a_patch_and_see_the_change(demo):
    target = _first()
    query = CatalogueQuery(q="Quokkaville")
    assert get_index().count(get_index().masks(query)) == 0
    target.title = "Quokkaville repair café"
    target.save()
    index_initiatives(index_prefetch(Initiative.objects.filter(pk=target.pk)))
    index = get_index()
    assert index.count(index.masks(query)) == 1
    other = replace(query, sort="title")
    assert index.ordered_ids(index.masks(other), "title").tolist() == [target.pk]


def test_a_funded_project_shows_in_the_catalogue(world):
    """A decision sent for an approved application publishes an initiative (funded_project_create)."""
    from decimal import Decimal

    from asis.calls.results.decisions import DecisionInput, decisions_record, decisions_send
    from tests.calls.test_decisions import _decided_call

    call, (a, b, c), _e = _decided_call(world)
    count = filters.result_count(CatalogueQuery())
    decisions_record(actor=world.users["manager"], call=call, items=[
        DecisionInput(a.pk, "approved", Decimal("45000"), "Good."), DecisionInput(b.pk, "rejected", None, "No."),
        DecisionInput(c.pk, "waitlisted")])
    decisions_send(actor=world.users["manager"], call=call)
    a.refresh_from_db()
    assert a.initiative_id is not None
    assert filters.result_count(CatalogueQuery()) == count + 1
    assert a.initiative_id in filters.ordered_ids(CatalogueQuery())


# --- concurrent writers (PostgreSQL: the version is assigned at commit) ------------------------------


def _other_transaction():
    """A second connection whose transaction stays open until the test commits or rolls it back
    (an import, a moderation run in another worker)."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"],
                           user=db["USER"], password=db["PASSWORD"])


def _stage_count(index: FacetIndex, stage: str) -> int:
    return index.count(index.masks(CatalogueQuery(stage=(stage,))))


@pytest.fixture
def two_initiatives(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no concurrent writer to wait for")
    first = publish(title="Held by a long import", regions=("AT33",), stage="idea")
    second = publish(title="Edited meanwhile", regions=("SI04",), stage="idea")
    forget()
    refresh()
    return first, second


def _edit_with_lock_timeout(initiative: Initiative, stage: str) -> None:
    """An editor's save while another transaction writes: it must not queue behind that transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    try:
        Initiative.objects.filter(pk=initiative.pk).update(stage=stage)  # autocommit: committed here
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@pytest.mark.postgres
def test_a_writer_does_not_wait_for_another_open_writing_transaction(two_initiatives):
    first, second = two_initiatives
    with _other_transaction() as other:
        other.execute("UPDATE observatory_initiative SET stage = 'ended' WHERE id = %s", [first.pk])
        other.execute("UPDATE observatory_initiative SET people_reached = 7 WHERE id = %s", [first.pk])
        _edit_with_lock_timeout(second, "pilot")  # main: fails with a lock timeout (version row held by A)

        seen = refresh()  # a reader applies the editor's version while the import is still open
        assert (_stage_count(seen, "pilot"), _stage_count(seen, "ended")) == (1, 0)
        other.commit()

    after = refresh()
    assert after.version == seen.version + 1  # the later commit has the later version: not skipped
    assert (_stage_count(after, "pilot"), _stage_count(after, "ended")) == (1, 1)
    assert set(CatalogueChange.objects.filter(version=after.version).values_list("initiative_id", flat=True)) == \
        {first.pk}  # both statements of that transaction, one version
    assert not CatalogueChange.objects.filter(version__isnull=True).exists()
    _assert_same_as_build(after)


@pytest.mark.postgres
def test_a_rolled_back_writer_or_savepoint_leaves_no_change(two_initiatives):
    first, second = two_initiatives
    before = facet_index._state["index"].version
    with _other_transaction() as other:
        other.execute("UPDATE observatory_initiative SET stage = 'ended' WHERE id = %s", [first.pk])
        _edit_with_lock_timeout(second, "pilot")
        other.rollback()
    with _other_transaction() as other:  # the rolled-back savepoint's change goes, the rest is stamped
        other.execute("UPDATE observatory_initiative SET stage = 'scaling' WHERE id = %s", [second.pk])
        other.execute("SAVEPOINT maybe")
        other.execute("UPDATE observatory_initiative SET stage = 'ended' WHERE id = %s", [first.pk])
        other.execute("ROLLBACK TO SAVEPOINT maybe")
        other.commit()

    after = refresh()
    assert after.version == before + 2  # the editor's commit and the second transaction's
    assert set(CatalogueChange.objects.filter(version__gt=before).values_list("initiative_id", flat=True)) == \
        {second.pk}
    assert not CatalogueChange.objects.filter(version__isnull=True).exists()
    assert (_stage_count(after, "scaling"), _stage_count(after, "ended")) == (1, 0)
    _assert_same_as_build(after)


def _assert_same_as_build(index: FacetIndex) -> None:
    fresh = FacetIndex(index.version)
    assert index.ids.tolist() == fresh.ids.tolist()
    for stage in ("idea", "pilot", "scaling", "ended"):
        assert _stage_count(index, stage) == _stage_count(fresh, stage)


@pytest.mark.postgres
def test_an_editor_does_not_wait_for_an_import_still_indexing(two_initiatives, monkeypatch):
    """An import appends to the audit chain (locked until commit, core.audit) as its last step, so
    an editor's save never waits for the import's search indexing either."""
    import threading

    from django.db import connections

    from asis.observatory import services

    _first_one, second = two_initiatives
    indexing, release, failures = threading.Event(), threading.Event(), []
    real_index = services.index_initiatives

    def held_index(rows):  # the import's transaction stays open here, as during a long indexing
        if threading.current_thread() is importer:
            indexing.set()
            assert release.wait(60)
        return real_index(rows)

    def run_import() -> None:
        try:
            _import()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            indexing.set()
            connections.close_all()

    monkeypatch.setattr(services, "index_initiatives", held_index)
    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert indexing.wait(60)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        second.stage = Initiative.Stage.SCALING
        services.initiative_save(actor=None, initiative=second)  # audited too; before: a lock timeout
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        importer.join(60)
    assert not failures
    index = refresh()
    assert _stage_count(index, "scaling") == 1 and _stage_count(index, "ended") == 1  # the edit, the import
    _assert_same_as_build(index)
