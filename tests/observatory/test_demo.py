"""Observatory demo data: deterministic, every region and language, realistic and searchable."""

from __future__ import annotations

import pytest
from django.db.models import Count

from asis.demo.generator import DemoSize, demo_generate
from asis.observatory.demo import bbox
from asis.observatory.models import Initiative, InitiativeSearch
from asis.observatory.search import filter_by_text
from asis.regions.models import Region

SIZE = DemoSize(organisations_per_region=2, members_per_organisation=1, initiatives=300)
# The steps that make initiatives: the catalogue's, and the funded projects' (which publish theirs).
INITIATIVE_STEPS = ("asis.observatory.demo", "asis.calls.demo", "asis.impact.demo_funded")


def _fingerprint() -> list[tuple]:
    rows = Initiative.objects.order_by("pk").values_list(
        "title", "original_language", "status", "stage", "start_date", "budget_eur", "latitude", "translations")
    regions = list(Initiative.regions.through.objects.order_by("initiative_id").values_list("region__code"))
    return [tuple(map(str, row)) for row in rows] + [tuple(r) for r in regions]


@pytest.mark.django_db
def test_demo_initiatives_cover_every_region_and_language():
    summary = demo_generate(seed=5, size=SIZE)
    assert summary["initiatives"] == 300
    # plus one published initiative per project the impact demo funded
    assert Initiative.objects.count() == 300 + summary["funded_projects"]
    assert Region.objects.filter(initiatives__isnull=False).distinct().count() == 42
    # original language = the lead organisation's: German, French, Italian, Slovenian in the Alps
    assert {"de", "fr", "it", "sl"} <= set(Initiative.objects.values_list("original_language", flat=True))
    languages = set()
    for initiative in Initiative.objects.all():
        languages |= {lang for lang in ("en", "fr", "de", "it", "sl") if initiative.translation_status(
            lang, "title") in ("original", "current")}
    assert languages == {"en", "fr", "de", "it", "sl"}
    # some translations are left missing on purpose
    assert any(i.translation_status("en", "summary") == "missing" for i in Initiative.objects.all())
    statuses = dict(Initiative.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses["published"] > 0.7 * 300 and {"submitted", "rejected", "archived"} <= set(statuses)
    assert not Initiative.objects.filter(title__icontains="lorem").exists()
    # every initiative has a lead organisation and one search document per language
    total = 300 + summary["funded_projects"]
    assert Initiative.objects.filter(organisation_links__role="lead").distinct().count() == total
    assert InitiativeSearch.objects.count() == total * 5
    assert filter_by_text(Initiative.objects.all(), "cooperative").exists()


@pytest.mark.django_db
def test_demo_points_lie_in_their_region_bounding_box():
    demo_generate(seed=5, size=SIZE, steps=INITIATIVE_STEPS[:1])
    with_point = Initiative.objects.exclude(latitude=None).prefetch_related("regions")
    assert with_point.count() > 100
    for initiative in with_point:
        west, south, east, north = bbox(initiative.regions.all()[0].geometry)
        assert west <= initiative.longitude <= east and south <= initiative.latitude <= north
    for initiative in Initiative.objects.all():
        assert 2015 <= initiative.start_date.year <= 2026
        assert initiative.end_date is None or initiative.end_date.year <= 2026


@pytest.mark.django_db
def test_demo_is_deterministic():
    demo_generate(seed=9, size=SIZE, steps=INITIATIVE_STEPS)
    first = _fingerprint()
    # Run again on a clean slate: delete what the demo made, then regenerate with the same seed.
    from asis.accounts.models import Membership, Organisation, User
    from asis.calls.demo import clear
    from asis.observatory.models import InitiativeOrganisation

    clear()  # demo calls and their applications protect organisations and users
    InitiativeOrganisation.objects.all().delete()
    Initiative.objects.all().delete()
    Membership.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    demo_generate(seed=9, size=SIZE, steps=INITIATIVE_STEPS)
    assert _fingerprint() == first


def test_bbox_of_multipolygon():
    geometry = {"type": "MultiPolygon", "coordinates": [[[[1, 2], [3, 2], [3, 5], [1, 2]]],
                                                        [[[0, 1], [2, 1], [2, 2], [0, 1]]]]}
    assert bbox(geometry) == (0, 1, 3, 5)


@pytest.mark.django_db
def test_scale_generator_via_cli(capsys):
    from asis.cli import main
    from asis.observatory.models import InitiativeRevision

    assert main(["observatory-scale", "--initiatives", "90", "--seed", "4", "--batch", "40"]) == 0
    assert "initiatives: 90" in capsys.readouterr().out
    assert Initiative.objects.filter(status="published").count() == 90
    assert Region.objects.filter(initiatives__isnull=False).distinct().count() == 42
    assert InitiativeSearch.objects.count() == 90 * 5
    assert not InitiativeRevision.objects.exists()  # load-test data: no history
    first = _fingerprint()
    Initiative.objects.all().delete()
    from asis.observatory.scale import scale_generate

    scale_generate(initiatives=90, seed=4, batch=40)
    assert _fingerprint() == first
