"""The seeded challenges and axes: ASIS terms, five languages, SDG mapping, admin editing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asis.observatory.models import Axis, Challenge
from asis.observatory.taxonomy_seed import AXES, CHALLENGES, seed_taxonomies

LANGUAGES = ("en", "fr", "de", "it", "sl")


@pytest.mark.django_db
def test_seeded_by_the_migration():
    assert Challenge.objects.count() == len(CHALLENGES) >= 13
    assert Axis.objects.count() == len(AXES) == 3
    asis_challenges = set(Challenge.objects.filter(from_asis=True).values_list("code", flat=True))
    assert asis_challenges == {"depopulation-urban-degradation", "unemployment", "care-services"}
    assert Axis.objects.filter(from_asis=True).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Challenge, Axis])
def test_every_term_has_current_texts_in_five_languages(model):
    for term in model.objects.all():
        for lang in LANGUAGES:
            for field in ("name", "description"):
                assert term.translation_status(lang, field) in ("original", "current"), (term.code, lang, field)
                assert term.translated(field, lang).text
        assert term.sdgs and all(1 <= g <= 17 for g in term.sdgs)
        term.full_clean()


@pytest.mark.django_db
def test_names_differ_between_languages():
    care = Challenge.objects.get(code="care-services")
    names = {care.translated("name", lang).text for lang in LANGUAGES}
    assert len(names) == 5


@pytest.mark.django_db
def test_seed_is_idempotent_and_keeps_admin_edits():
    unemployment = Challenge.objects.get(code="unemployment")
    unemployment.name = "Unemployment and underemployment"
    unemployment.save()
    assert seed_taxonomies(Challenge, Axis) == 0
    assert Challenge.objects.get(code="unemployment").name == "Unemployment and underemployment"


@pytest.mark.django_db
def test_admin_edits_translations(world):
    client = world.client_for("platform_admin")
    axis = Axis.objects.get(code="care-close-to-people")
    url = reverse("admin:observatory_axis_change", args=[axis.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Servizi di cura e salute vicini alle persone" in page.content.decode()
    data = {
        "code": axis.code, "original_language": "en", "name": "Care close to people",
        "description": axis.description, "sdgs": "[3, 10]", "from_asis": "on", "position": 5, "active": "on",
        **{f"{f}_{lang}": axis.translated(f, lang).text for lang in LANGUAGES for f in ("name", "description")},
        "name_it": "Cura vicina alle persone",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    axis.refresh_from_db()
    assert axis.name == "Care close to people"
    assert axis.translated("name", "it").text == "Cura vicina alle persone"
    # the other translations were made from the old English name: now marked outdated
    assert axis.translation_status("fr", "name") == "outdated"
    assert axis.translation_status("fr", "description") == "current"
