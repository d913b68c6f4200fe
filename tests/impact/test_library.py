"""The indicator library: the seeded set, search, visibility, proposals and their approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from asis.core.models import AuditEntry
from asis.impact import library
from asis.impact.disaggregations import DIMENSION_LABELS
from asis.impact.library_seed import INDICATORS
from asis.impact.models import Indicator, ProjectIndicator
from asis.impact.units import UNIT_LABELS
from asis.observatory.models import Challenge
from tests.conftest import make_org, make_user
from tests.impact.helpers import make_project


@pytest.mark.django_db
def test_the_seeded_library_is_complete_cited_and_in_five_languages():
    seeded = Indicator.objects.filter(code__in=[spec[0] for spec in INDICATORS])
    assert seeded.count() == len(INDICATORS) >= 40
    challenge_codes = set(Challenge.objects.values_list("code", flat=True))
    for spec in INDICATORS:
        assert set(spec[5]) == set(settings.LANGUAGE_CODES), spec[0]
        for challenge in spec[4].get("challenges", []):
            assert challenge in challenge_codes, (spec[0], challenge)
    for indicator in seeded:
        assert indicator.unit in UNIT_LABELS
        assert set(indicator.disaggregations) <= set(DIMENSION_LABELS)
        assert indicator.reference, indicator.code
        for language in settings.LANGUAGE_CODES:
            assert indicator.translation_status(language, "name") in ("original", "current")
            assert indicator.translation_status(language, "definition") in ("original", "current")
        if indicator.unit == "percent":
            assert indicator.is_ratio and indicator.plausible_min == 0 and indicator.plausible_max == 100
        library.indicator_validate(indicator)
    eeco = Indicator.objects.get(code="EECO01")
    assert eeco.reference == "Regulation (EU) 2021/1057, Annex I, EECO01" and eeco.source == "esf"
    assert eeco.translated("name", "de").text == "Gesamtzahl der Teilnehmenden"
    assert Indicator.objects.get(code="EECR04").is_ratio
    assert Indicator.objects.get(code="sdg-8-5-2").reference.startswith("UN Global indicator framework (A/RES/71/313)")
    assert Indicator.objects.filter(source="asis", challenges__code="depopulation-urban-degradation").exists()


def test_search_by_text_in_any_language_source_challenge_goal_and_unit(world):
    user = world.users["member"]
    codes = lambda q: {i.code for i in library.library_search(user, q)}  # noqa: E731
    assert "EECO13" in codes(library.LibraryQuery(q="drittstaatsangehörige"))
    assert codes(library.LibraryQuery(source="sdg")) == {i[0] for i in INDICATORS if i[1] == "sdg"}
    assert "asis-care-hours" in codes(library.LibraryQuery(challenge="care-services"))
    assert "sdg-8-5-2" in codes(library.LibraryQuery(sdg="8")) and "sdg-1-2-1" not in codes(library.LibraryQuery(sdg="8"))
    assert codes(library.LibraryQuery(unit="t_co2e")) == {"sdg-13-2-2", "asis-emissions-avoided"}
    page = world.client_for("anonymous").get(reverse("impact:library"), {"q": "Arbeitslose"},
                                              HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200


def test_custom_indicators_stay_inside_their_tenants(world):
    ours = make_project(world.org, world.users["project_holder"], title="Ours")
    secret = Indicator.objects.create(code="custom-secret", name="Secret measure", unit="persons",
                                      source="custom", status="proposed", proposed_by=world.org)
    ProjectIndicator.objects.create(project=ours, indicator=secret, is_key=False)
    for role in ("project_holder", "manager"):
        assert secret in library.indicators_visible_to(world.users[role])
    for role in ("other_manager", "evaluator", "anonymous"):
        user = world.users[role]
        if user is None:
            from django.contrib.auth.models import AnonymousUser
            user = AnonymousUser()
        assert secret not in library.indicators_visible_to(user)
    url = reverse("impact:indicator_detail", args=[secret.pk])
    assert world.client_for("other_manager").get(url).status_code == 404
    # The page of a shared indicator gives counts, never another tenant's project.
    eeco = Indicator.objects.get(code="EECO01")
    ProjectIndicator.objects.create(project=ours, indicator=eeco)
    page = world.client_for("other_manager").get(reverse("impact:indicator_detail", args=[eeco.pk])).content.decode()
    assert "Ours" not in page and "Monitored by 1 funded project" in page


def test_holder_proposes_and_staff_reject_with_a_reason_audited_and_told(world):
    project = make_project(world.org, world.users["project_holder"], title="Village van")
    holder = world.client_for("project_holder")
    response = holder.post(reverse("impact:indicator_propose", args=[project.pk]), {
        "name": "Rides given to older residents", "definition": "", "kind": "output", "unit": "count",
        "direction": "higher", "values_mode": "per_period", "disaggregations": ["sex"]})
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Rides given to older residents")
    assert indicator.status == "proposed" and indicator.source == "custom" and indicator.proposed_by == world.org
    assert project.monitored_indicators.filter(indicator=indicator).exists()
    staff = world.client_for("manager")
    review = reverse("impact:indicator_review", args=[indicator.pk])
    assert world.client_for("other_manager").get(review).status_code == 404
    response = staff.post(review, {"decision": "reject", "reason": ""})
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.status == "proposed"
    mail.outbox.clear()
    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
        response = staff.post(review, {"decision": "reject", "reason": "Use EECO08 instead."})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.status == "rejected"
    entry = AuditEntry.objects.filter(action="asis.impact.indicator.rejected").get()
    assert entry.after["reason"] == "Use EECO08 instead."
    assert len(mail.outbox) == 1 and "Use EECO08 instead." in mail.outbox[0].body
    assert "Rides given to older residents" in mail.outbox[0].body
    assert staff.post(review, {"decision": "approve"}).status_code == 200  # already decided: refused


def test_managers_add_call_indicators_to_their_calls_only_and_projects_get_them(world):
    project = make_project(world.org, world.users["project_holder"], title="Care")
    call = project.application.call
    data = {"code": "call-meals", "original_language": "en", "name_en": "Meals delivered", "name_de": "Mahlzeiten",
            "kind": "output", "unit": "count", "direction": "higher", "aggregation": "sum",
            "values_mode": "per_period", "frequency": "yearly", "plausible_min": "0"}
    assert world.client_for("other_manager").post(reverse("impact:call_indicators", args=[call.pk]),
                                                   data).status_code == 404
    response = world.client_for("manager").post(reverse("impact:call_indicators", args=[call.pk]), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="call-meals")
    assert indicator.source == "call" and indicator.call == call
    assert indicator.translated("name", "de").text == "Mahlzeiten"
    assert project.monitored_indicators.get(indicator=indicator).is_key
    # A percentage without numerator and denominator is refused with a clear message.
    bad = {**data, "code": "call-share", "unit": "percent"}
    response = world.client_for("manager").post(reverse("impact:call_indicators", args=[call.pk]), bad)
    assert response.status_code == 200 and not Indicator.objects.filter(code="call-share").exists()


def test_admin_edits_a_library_indicator_in_five_languages(world):
    eeco = Indicator.objects.get(code="EECO02")
    url = reverse("impact:indicator_edit", args=[eeco.pk])
    form = world.client_for("platform_admin").get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("challenges", "code")}
    data.update({"disaggregations": eeco.disaggregations, "name_sl": "Brezposelni (popravljeno)",
                 "plausible_min": "0", "plausible_max": "5"})
    data["challenges"] = [c.pk for c in eeco.challenges.all()]
    response = world.client_for("platform_admin").post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    eeco.refresh_from_db()
    assert eeco.translated("name", "sl").text == "Brezposelni (popravljeno)"
    assert eeco.plausible_max == Decimal("5")
    assert AuditEntry.objects.filter(action="asis.impact.indicator.saved").exists()
    assert world.client_for("manager").get(url).status_code == 404
    user = make_user("x@example.org")
    make_org("Other", "ITH1")
    assert not library.can_edit_indicator(user, eeco)
