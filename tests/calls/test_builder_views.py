"""Call builder pages: forms with bad input, time zones, tenant isolation, freeze, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from asis.calls.models import Call, CallVersion
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call

pytestmark = pytest.mark.django_db

SECTIONS = ("texts", "translations", "money", "scope", "timeline", "grid", "checklist", "questions", "evaluation",
            "portfolio", "criteria", "contact", "documents", "faq")


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"calls:{name}", kwargs=kwargs)


def edit_url(call, section, **extra):
    query = "&".join([f"section={section}", *(f"{k}={v}" for k, v in extra.items())])
    return f"{url('edit', call_id=call.pk)}?{query}"


def management(prefix, total, initial):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


@pytest.fixture
def manager(world):
    return world.client_for("manager")


def create_data(world, **overrides):
    data = {"organisation": world.org.pk, "title": "Care in the valleys", "original_language": "en",
            "grid_template": "asis", "budget": "200000", "min_grant": "5000", "max_grant": "40000",
            "timezone": "Europe/Vienna", "opens_at": "2031-01-10T09:00", "closes_at": "2031-02-20T17:00"}
    data.update(overrides)
    return data


# --- create ---------------------------------------------------------------------------------------

def test_create_a_draft(world, manager):
    response = manager.post(url("create"), create_data(world))
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(url("edit", call_id=call.pk))
    assert call.status == "draft" and call.created_by == world.users["manager"]
    assert call.opens_at == dt.datetime(2031, 1, 10, 8, 0, tzinfo=dt.UTC)  # 09:00 Vienna in winter


@pytest.mark.parametrize("overrides, field, message", [
    ({"closes_at": "2031-01-01T09:00"}, "closes_at", "close after it opens"),
    ({"max_grant": "1000"}, "max_grant", "at least the minimum grant"),
    ({"max_grant": "300000"}, "max_grant", "cannot exceed the budget"),
    ({"opens_at": "next tuesday"}, "opens_at", "Enter a date and time"),
    ({"budget": "-5"}, "budget", "greater than or equal to 0"),
    ({"grid_template": "made-up"}, "grid_template", "Select a valid choice"),
])
def test_create_bad_input(world, manager, overrides, field, message):
    response = manager.post(url("create"), create_data(world, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Call.objects.exists()


def test_create_for_another_tenants_organisation_is_refused(world, manager):
    response = manager.post(url("create"), create_data(world, organisation=world.other_org.pk))
    assert response.status_code == 400
    assert "Choose one of your organisations." in response.context["form"].errors["organisation"]
    assert not Call.objects.exists()


def test_create_page_lists_only_my_organisations(world, manager):
    response = manager.get(url("create"))
    choices = [pk for pk, _label in response.context["form"].fields["organisation"].choices if pk]
    assert [c.value for c in choices] == [world.org.pk]


def test_non_managers_cannot_create(world):
    assert world.client_for("member").get(url("create")).status_code == 403
    assert world.client_for("member").get(url("manage_list")).status_code == 403


# --- time zones -----------------------------------------------------------------------------------

def test_closing_entered_in_paris_winter_time_is_stored_in_utc(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "timeline"), {
        "timezone": "Europe/Paris", "opens_at": "2031-01-05T09:00", "closes_at": "2031-01-20T17:00",
        "evaluation_ends_on": "", "decision_on": ""})
    assert response.status_code == 302, response.context and response.context["form"].errors
    call.refresh_from_db()
    assert call.timezone == "Europe/Paris"
    assert call.closes_at == dt.datetime(2031, 1, 20, 16, 0, tzinfo=dt.UTC)
    page = manager.get(edit_url(call, "timeline")).content.decode()
    assert 'value="2031-01-20T17:00"' in page  # shown again as the local time


def test_summer_time_and_the_skipped_hour(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "timeline"), {
        "timezone": "Europe/Paris", "opens_at": "2031-03-30T02:30", "closes_at": "2031-07-01T17:00"})
    assert response.status_code == 400
    assert "does not exist" in " ".join(response.context["form"].errors["opens_at"])
    response = manager.post(edit_url(call, "timeline"), {
        "timezone": "Europe/Paris", "opens_at": "2031-03-30T09:00", "closes_at": "2031-07-01T17:00"})
    call.refresh_from_db()
    assert call.closes_at == dt.datetime(2031, 7, 1, 15, 0, tzinfo=dt.UTC)


def test_public_page_shows_times_in_the_calls_zone(world):
    call = make_call(world.org, phase="announced", timezone="Europe/Paris",
                     opens_at=dt.datetime(2031, 1, 5, 8, 0, tzinfo=dt.UTC),
                     closes_at=dt.datetime(2031, 1, 20, 16, 0, tzinfo=dt.UTC))
    page = world.client_for("anonymous").get(url("public_detail", call_id=call.pk)).content.decode()
    assert "Europe/Paris" in page and "5 p.m." in page


# --- edit sections --------------------------------------------------------------------------------

@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_renders(world, manager, section):
    call = make_call(world.org, phase="draft")
    response = manager.get(edit_url(call, section))
    assert response.status_code == 200


@pytest.mark.parametrize("data, field, message", [
    ({"budget": "100000", "min_grant": "20000", "max_grant": "10000", "cofunding_rate": "80"}, "max_grant",
     "at least the minimum grant"),
    ({"budget": "100000", "min_grant": "0", "max_grant": "150000", "cofunding_rate": "80"}, "max_grant",
     "cannot exceed the budget"),
    ({"budget": "100000", "min_grant": "0", "max_grant": "50000", "cofunding_rate": "120"}, "cofunding_rate",
     "less than or equal to 100"),
])
def test_money_bad_input(world, manager, data, field, message):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "money"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    call.refresh_from_db()
    assert call.budget == Decimal("500000")


def test_scope_saves_regions_types_and_rejects_unknown_region(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "scope"), {"eligible_regions": ["AT33", "ZZ99"],
                                                      "applicant_types": ["ngo"]})
    assert response.status_code == 400
    assert "ZZ99" in " ".join(response.context["form"].errors["eligible_regions"])
    assert not call.eligible_regions.exists()
    response = manager.post(edit_url(call, "scope"), {"eligible_regions": ["AT33", "FRK2"],
                                                      "applicant_types": ["ngo", "public_authority"]})
    assert response.status_code == 302
    call.refresh_from_db()
    assert sorted(call.eligible_regions.values_list("code", flat=True)) == ["AT33", "FRK2"]
    assert call.applicant_types == ["ngo", "public_authority"]


def _grid_post(call, weight):
    """Every criterion scored on a scale gets ``weight``, the pass/fail one 0."""
    data = {}
    for criterion in call.grid["criteria"]:
        scored = criterion["scale"] != "pass-fail"
        data[f"weight__{criterion['id']}"] = str(weight if scored else 0)
        data[f"threshold__{criterion['id']}"] = ""
    return data


def test_grid_weights_all_zero_refused(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "grid"), _grid_post(call, 0))
    assert response.status_code == 400
    assert "must not all be zero" in " ".join(response.context["grid_form"].non_field_errors())
    call.refresh_from_db()
    assert sum(c["weight"] for c in call.grid["criteria"]) > 0


def test_grid_threshold_outside_the_scale_refused_and_valid_weights_saved(world, manager):
    call = make_call(world.org, phase="draft")
    data = _grid_post(call, 10)  # ten scored criteria: 100 %
    first = call.grid["criteria"][0]["id"]
    data[f"threshold__{first}"] = "9"
    response = manager.post(edit_url(call, "grid"), data)
    assert response.status_code == 400
    assert response.context["grid_form"].errors[f"threshold__{first}"]
    data[f"threshold__{first}"] = "3"
    assert manager.post(edit_url(call, "grid"), data).status_code == 302
    call.refresh_from_db()
    assert call.grid["criteria"][0]["threshold"] == 3.0
    assert {c["weight"] for c in call.grid["criteria"]} == {10.0, 0.0}


def test_grid_template_replaced(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "grid", action="template"), {"grid_template": "asis-core"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.grid_template == "asis-core" and call.grid["id"] == "asis-core"


def test_checklist_add_and_remove_items(world, manager):
    call = make_call(world.org, phase="draft")
    data = management("checklist", 4, 2)
    data.update({"checklist-0-id": "region", "checklist-0-text": "The project takes place in an eligible region.",
                 "checklist-1-id": "cofunding", "checklist-1-text": "Co-funding respected.",
                 "checklist-1-DELETE": "on", "checklist-2-id": "", "checklist-2-text": "Statutes attached.",
                 "checklist-3-id": "", "checklist-3-text": ""})
    response = manager.post(edit_url(call, "checklist"), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.eligibility_checklist == [
        {"id": "region", "text": "The project takes place in an eligible region."},
        {"id": "check-1", "text": "Statutes attached."}]


def test_checklist_tampered_hidden_id_is_refused(world, manager):
    call = make_call(world.org, phase="draft")
    before = list(call.eligibility_checklist)
    data = management("checklist", 2, 2)
    data.update({"checklist-0-id": "region", "checklist-0-text": "A",
                 "checklist-1-id": "region", "checklist-1-text": "B"})
    response = manager.post(edit_url(call, "checklist"), data)
    assert response.status_code == 400
    assert "same identifier" in " ".join(response.context["formset"].non_form_errors())
    data["checklist-1-id"] = "<script>"
    response = manager.post(edit_url(call, "checklist"), data)
    assert response.status_code == 400
    call.refresh_from_db()
    assert call.eligibility_checklist == before


def test_questions_choice_needs_two_choices(world, manager):
    call = make_call(world.org, phase="draft")
    data = management("questions", 1, 0)
    data.update({"questions-0-label": "Which valley?", "questions-0-kind": "choice", "questions-0-choices": "Inn"})
    response = manager.post(edit_url(call, "questions"), data)
    assert response.status_code == 400
    data["questions-0-choices"] = "Inn\nEtsch\n"
    data["questions-0-required"] = "on"
    assert manager.post(edit_url(call, "questions"), data).status_code == 302
    call.refresh_from_db()
    assert call.custom_questions == [{"id": "q-1", "label": "Which valley?", "kind": "choice", "required": True,
                                      "choices": ["Inn", "Etsch"]}]


def test_evaluation_primary_method_must_be_ticked(world, manager):
    call = make_call(world.org, phase="draft")
    data = {"evaluators_per_application": "3", "aggregation": "median", "calibration": "none",
            "ranking_methods": ["topsis"], "primary_method": "weighted_sum", "smaa_draws": "1000",
            "regional_conflict_rule": "same_country"}
    response = manager.post(edit_url(call, "evaluation"), data)
    assert response.status_code == 400 and response.context["form"].errors["primary_method"]
    data["ranking_methods"] = ["topsis", "weighted_sum"]
    assert manager.post(edit_url(call, "evaluation"), data).status_code == 302
    call.refresh_from_db()
    assert call.aggregation == "median" and call.ranking_methods == ["topsis", "weighted_sum"]
    assert call.regional_conflict_rule == "same_country" and call.blind is False


def test_portfolio_groups(world, manager):
    """Rules are picked by name (region, country, challenge) with shares in percent; one stored rule
    per group picked, shares as the engine's fractions."""
    call = make_call(world.org, phase="draft")
    data = {"min_score": "50", "min_fraction": "1", **management("groups", 2, 0),
            "groups-0-groups": ["region:XX99"], "groups-0-max_count": "2"}
    response = manager.post(edit_url(call, "portfolio"), data)
    assert response.status_code == 400
    assert "XX99" in " ".join(response.context["formset"].forms[0].errors["groups"])
    data.update({"groups-0-groups": ["region:AT33"], "groups-1-groups": ["country:IT", "country:AT"],
                 "groups-1-min_share": "50", "groups-1-max_share": "20"})
    response = manager.post(edit_url(call, "portfolio"), data)
    assert response.status_code == 400
    data["groups-1-max_share"] = "60"
    assert manager.post(edit_url(call, "portfolio"), data).status_code == 302
    call.refresh_from_db()
    assert call.portfolio_constraints == {
        "min_score": 50.0, "allow_partial": False, "min_fraction": 1.0, "groups": [
            {"dimension": "region", "group": "AT33", "min_count": None, "max_count": 2, "min_share": None,
             "max_share": None},
            {"dimension": "country", "group": "IT", "min_count": None, "max_count": None, "min_share": 0.5,
             "max_share": 0.6},
            {"dimension": "country", "group": "AT", "min_count": None, "max_count": None, "min_share": 0.5,
             "max_share": 0.6}]}
    page = manager.get(edit_url(call, "portfolio")).content.decode()
    assert 'value="region:AT33" selected' in page and 'value="60.0"' in page  # shown back in percent
    assert call.funding_rule == "optimal"
    data["funding_rule"] = "rank_skip"
    assert manager.post(edit_url(call, "portfolio"), data).status_code == 302
    call.refresh_from_db()
    assert call.funding_rule == "rank_skip"


def test_translations_saved_per_language(world, manager):
    call = make_call(world.org, phase="draft")
    response = manager.post(edit_url(call, "translations", language="de"),
                            {"de-title": "Soziale Innovation in den Alpen", "de-description": "Förderung."})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.translated("title", "de").text == "Soziale Innovation in den Alpen"
    page = world.client_for("anonymous").get(url("public_list")).content.decode()
    assert "Social innovation in the Alps" not in page  # a draft


# --- freeze, publish, versions --------------------------------------------------------------------

def test_frozen_call_shows_read_only_configuration_and_refuses_post(world, manager):
    call = make_call(world.org, phase="open")
    response = manager.get(edit_url(call, "money"))
    assert response.status_code == 200 and not response.context["editable"]
    assert "frozen" in response.content.decode()
    response = manager.post(edit_url(call, "money"), {"budget": "1", "min_grant": "0", "max_grant": "1",
                                                      "cofunding_rate": "50"})
    assert response.status_code == 409
    call.refresh_from_db()
    assert call.budget == Decimal("500000")
    response = manager.post(edit_url(call, "translations", language="it"),
                            {"it-title": "Innovazione sociale", "it-description": ""})
    assert response.status_code == 302


def test_publish_through_the_dashboard(world, manager):
    call = make_call(world.org, phase="draft", opens_at=timezone.now() + dt.timedelta(days=2),
                     closes_at=timezone.now() + dt.timedelta(days=30))
    page = manager.get(url("manage_detail", call_id=call.pk)).content.decode()
    assert "Preview and publish" in page
    response = manager.post(url("publish", call_id=call.pk), {"confirm": "on"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == "published" and call.version == 1
    assert AuditEntry.objects.filter(action="asis.call.published", object_id=str(call.pk)).count() == 1
    # a change after publication (before opening) is a new version, listed with its diff
    manager.post(edit_url(call, "money"), {"budget": "450000", "min_grant": "10000", "max_grant": "100000",
                                           "cofunding_rate": "80"})
    assert CallVersion.objects.filter(call=call).count() == 2
    page = manager.get(url("versions", call_id=call.pk)).content.decode()
    assert "Version 2" in page and "450000.00" in page


def test_publish_of_an_incomplete_call_explains_why(world, manager):
    call = make_call(world.org, phase="draft", eligibility_checklist=[],
                     opens_at=timezone.now() + dt.timedelta(days=2), closes_at=timezone.now() + dt.timedelta(days=9))
    response = manager.post(url("publish", call_id=call.pk), follow=True)
    assert "checklist is empty" in response.content.decode()
    call.refresh_from_db()
    assert call.status == "draft"


# --- tenant isolation and public visibility -------------------------------------------------------

def test_other_tenants_manager_gets_404_everywhere(world):
    other = world.client_for("other_manager")
    call = make_call(world.org, phase="draft")
    for name in ("manage_detail", "edit", "versions"):
        assert other.get(url(name, call_id=call.pk)).status_code == 404, name
    for section in SECTIONS:
        assert other.post(edit_url(call, section), {"title": "Hijacked"}).status_code == 404, section
    assert other.post(url("publish", call_id=call.pk)).status_code == 404
    call.refresh_from_db()
    assert call.title != "Hijacked" and call.status == "draft"
    assert call not in other.get(url("manage_list")).context["calls"]


def test_drafts_are_404_publicly(world):
    call = make_call(world.org, phase="draft")
    for role in ("anonymous", "member", "manager"):
        assert world.client_for(role).get(url("public_detail", call_id=call.pk)).status_code == 404


def test_public_detail_shows_translations_criteria_and_apply_link(world):
    call = make_call(world.org, phase="open")
    call.set_translation("fr", "title", "Innovation sociale dans les Alpes")
    call.save()
    client = world.client_for("anonymous")
    with translation.override("fr"):
        page = client.get(reverse("calls:public_detail", kwargs={"call_id": call.pk})).content.decode()
    assert "Innovation sociale dans les Alpes" in page
    assert "Nouveauté et potentiel d'innovation" in page.replace("&#x27;", "'")  # criterion label in French
    with translation.override("de"):
        page = client.get(reverse("calls:public_detail", kwargs={"call_id": call.pk})).content.decode()
    assert 'lang="en"' in page  # the English original, marked as a fallback


# --- query counts ---------------------------------------------------------------------------------

def test_public_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    client = world.client_for("anonymous")
    for i in range(12):
        make_call(world.org, phase=("open", "announced", "evaluation")[i % 3], title=f"Call {i}")
    with django_assert_max_num_queries(6):
        response = client.get(url("public_list"))
    assert len(response.context["rows"]) == 12
    with django_assert_max_num_queries(6):
        client.get(url("public_list"), {"state": "open", "country": "AT"})


def test_manage_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    client = world.client_for("manager")
    for i in range(12):
        make_call(world.org, phase=("open", "draft", "evaluation")[i % 3], title=f"Call {i}")
    make_call(world.other_org, title="Not mine")
    with django_assert_max_num_queries(10):
        response = client.get(url("manage_list"))
    assert len(response.context["calls"]) == 12


# --- junk input never crashes ---------------------------------------------------------------------

JUNK_FIELDS = ("title", "description", "original_language", "budget", "min_grant", "max_grant", "cofunding_rate",
               "eligible_regions", "applicant_types", "challenges", "timezone", "opens_at", "closes_at",
               "evaluation_ends_on", "decision_on", "grid_template", "evaluators_per_application", "aggregation",
               "ranking_methods", "primary_method", "smaa_draws", "min_score", "min_fraction",
               "checklist-TOTAL_FORMS", "checklist-INITIAL_FORMS", "checklist-0-id", "checklist-0-text",
               "groups-TOTAL_FORMS", "groups-INITIAL_FORMS", "groups-0-dimension", "groups-0-group",
               "groups-0-min_share", "questions-TOTAL_FORMS", "questions-0-kind", "fr-title")


@pytest.mark.parametrize("section", SECTIONS)
def test_junk_input_never_crashes(world, manager, section):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    call = make_call(world.org, phase="draft")
    before = Call.objects.filter(pk=call.pk).values().get()

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(st.sampled_from(JUNK_FIELDS), st.text(max_size=30), max_size=12))
    def run(data):
        response = manager.post(edit_url(call, section, language="fr"), data)
        assert response.status_code in (302, 400)

    run()
    after = Call.objects.filter(pk=call.pk).values().get()
    changed = {k for k in before if before[k] != after[k]} - {"updated_at", "translations"}
    assert changed <= {"title", "description", "original_language", "grid_template", "grid", "contact_name",
                       "contact_email", "contact_phone"}


def test_the_only_managed_organisation_is_preselected(world, manager):
    form = manager.get(url("create")).context["form"]
    assert form.fields["organisation"].initial == world.org.pk
    assert form.fields["organisation"].empty_label is None


def test_notification_log_lists_the_calls_emails_only(world, django_assert_max_num_queries):
    from asis.calls.models import Notification
    from asis.calls.notifications import notify

    call = make_call(world.org)
    other = make_call(world.other_org, title="Someone else's call")
    application = make_application(call, world.users["project_holder"], world.org)
    notify(kind="application_submitted", user=world.users["project_holder"], call=call, application=application,
           context={"submitted_local": "now", "digest": "0" * 64})
    Notification.objects.create(kind="application_submitted", email="x@example.org", language="de", subject="Fremd",
                                body="b", status="sent", call=other)
    Notification.objects.create(kind="eligibility_decided", email="", language="fr", subject="Sans adresse",
                                body="b", status="skipped", call=call)
    client = world.client_for("manager")
    url = reverse("calls:notifications", args=[call.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert application.reference in text and "Sans adresse" in text and "Fremd" not in text
    skipped = client.get(url, {"status": "skipped"}).content.decode()
    assert "Sans adresse" in skipped and application.reference not in skipped
    assert world.client_for("other_manager").get(url).status_code == 404
