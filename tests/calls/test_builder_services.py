"""Call builder services: create, update (versions, freeze), translations, publish, audit entries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from asis.calls.builder import services as builder
from asis.calls.models import Call, CallVersion
from asis.core.models import AuditEntry
from asis.regions.models import Region
from tests.calls.helpers import make_call

pytestmark = pytest.mark.django_db


def _create(world, **fields):
    now = timezone.now()
    defaults = {"title": "Alpine care", "budget": Decimal("300000"), "min_grant": Decimal("10000"),
                "max_grant": Decimal("50000"), "opens_at": now + timedelta(days=3),
                "closes_at": now + timedelta(days=40), "timezone": "Europe/Vienna"}
    defaults.update(fields)
    return builder.call_create(actor=world.users["manager"], organisation=world.org, **defaults)


def test_create_copies_the_template_grid_and_audits(world):
    call = _create(world, grid_template="asis-core")
    assert call.status == Call.Status.DRAFT and call.version == 0
    assert call.grid["id"] == "asis-core"
    assert call.ranking_methods == ["weighted_sum"]
    entry = AuditEntry.objects.get(action="asis.call.created")
    assert entry.object_id == str(call.pk) and entry.organisation_id == world.org.pk


def test_grid_templates_list_asis_first():
    assert builder.grid_template_names()[0] == "asis"
    assert "asis-core" in builder.grid_template_names()


def test_create_refused_for_another_tenants_organisation(world):
    with pytest.raises(PermissionDenied):
        builder.call_create(actor=world.users["other_manager"], organisation=world.org, title="x",
                            budget=Decimal("1"), max_grant=Decimal("1"), opens_at=timezone.now(),
                            closes_at=timezone.now() + timedelta(days=1))
    assert not Call.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"max_grant": Decimal("5000")}, "max_grant"),  # below the minimum grant
    ({"max_grant": Decimal("400000")}, "max_grant"),  # above the budget
    ({"closes_at": timezone.now()}, "closes_at"),  # before opening
])
def test_create_bad_input_names_the_field_and_saves_nothing(world, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        _create(world, **fields)
    assert field in excinfo.value.message_dict
    assert not Call.objects.exists()
    assert not AuditEntry.objects.filter(action="asis.call.created").exists()


def test_update_of_a_draft_writes_no_version_but_an_audit_entry(world):
    call = _create(world)
    builder.call_update(actor=world.users["manager"], call=call, budget=Decimal("400000"),
                        regions=Region.objects.filter(code__in=["AT33", "ITC2"]))
    call.refresh_from_db()
    assert call.budget == Decimal("400000") and call.version == 0
    assert not CallVersion.objects.exists()
    entry = AuditEntry.objects.get(action="asis.call.changed")
    assert entry.before == {"budget": "300000.00", "eligible_regions": []}
    assert entry.after["eligible_regions"] == ["AT33", "ITC2"]


def test_update_without_change_writes_nothing(world):
    call = _create(world)
    builder.call_update(actor=world.users["manager"], call=call, budget=call.budget)
    assert not AuditEntry.objects.filter(action="asis.call.changed").exists()


def test_publish_checks_completeness(world):
    call = _create(world, eligibility_checklist=[])
    with pytest.raises(ValidationError) as excinfo:
        builder.call_publish(actor=world.users["manager"], call=call)
    assert any("checklist" in m for m in excinfo.value.messages)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert not AuditEntry.objects.filter(action="asis.call.published").exists()


def test_publish_refuses_an_opening_in_the_past(world):
    now = timezone.now()
    call = _create(world, eligibility_checklist=[{"id": "c1", "text": "Eligible region"}])
    Call.objects.filter(pk=call.pk).update(opens_at=now - timedelta(days=1))
    with pytest.raises(ValidationError) as excinfo:
        builder.call_publish(actor=world.users["manager"], call=call)
    assert any("opening" in m for m in excinfo.value.messages)


def test_publish_refuses_budget_below_max_grant(world):
    call = _create(world, eligibility_checklist=[{"id": "c1", "text": "Eligible region"}])
    call.budget = Decimal("1000")
    problems = builder.publication_problems(call)
    assert any("budget" in p for p in problems)


def test_publish_writes_version_one_with_the_full_snapshot(world):
    call = _create(world, eligibility_checklist=[{"id": "c1", "text": "Eligible region"}])
    call.eligible_regions.set(Region.objects.filter(code="AT33"))
    call = builder.call_publish(actor=world.users["manager"], call=call)
    assert call.status == Call.Status.PUBLISHED and call.version == 1 and call.published_at
    version = CallVersion.objects.get(call=call)
    assert version.number == 1
    snapshot = version.snapshot
    assert snapshot["grid"]["id"] == "asis" and snapshot["eligible_regions"] == ["AT33"]
    assert snapshot["eligibility_checklist"][0]["text"] == "Eligible region"
    assert snapshot["budget"] == "300000.00" and snapshot["status"] == "published"
    entry = AuditEntry.objects.get(action="asis.call.published")
    assert entry.after["version"] == 1
    with pytest.raises(ValidationError):  # only once
        builder.call_publish(actor=world.users["manager"], call=call)


def test_change_of_an_announced_call_writes_a_new_version(world):
    call = make_call(world.org, phase="announced")
    before = call.version
    builder.call_update(actor=world.users["manager"], call=call, max_grant=Decimal("80000"))
    call.refresh_from_db()
    assert call.version == before + 1
    version = CallVersion.objects.get(call=call, number=call.version)
    assert version.snapshot["max_grant"] == "80000.00"


def test_frozen_call_refuses_updates_but_accepts_translations(world):
    call = make_call(world.org, phase="open")
    assert call.is_frozen
    with pytest.raises(ValidationError) as excinfo:
        builder.call_update(actor=world.users["manager"], call=call, budget=Decimal("1"))
    assert "frozen" in excinfo.value.messages[0]
    call.refresh_from_db()
    assert call.budget == Decimal("500000")
    builder.call_translation_save(actor=world.users["manager"], call=call, language="fr",
                                  title="Innovation sociale dans les Alpes", description="Subventions.")
    call.refresh_from_db()
    assert call.translated("title", "fr").text == "Innovation sociale dans les Alpes"
    assert not CallVersion.objects.filter(call=call).exists()  # translations of a frozen call: no version
    assert AuditEntry.objects.filter(action="asis.call.translated").count() == 1


def test_translation_into_the_original_language_is_refused(world):
    call = make_call(world.org, phase="draft")
    with pytest.raises(ValidationError):
        builder.call_translation_save(actor=world.users["manager"], call=call, language="en", title="x",
                                      description="")


def test_update_cannot_move_a_published_call_to_open_in_the_past(world):
    call = make_call(world.org, phase="announced")
    with pytest.raises(ValidationError) as excinfo:
        builder.call_update(actor=world.users["manager"], call=call, opens_at=timezone.now() - timedelta(hours=1))
    assert "opens_at" in excinfo.value.message_dict


def test_grid_settings_validated(world):
    grid = builder.grid_from_template("asis")
    ids = [c["id"] for c in grid["criteria"]]
    with pytest.raises(ValidationError) as excinfo:
        builder.grid_with_settings(grid, weights=dict.fromkeys(ids, 0.0), thresholds={})
    assert "zero" in excinfo.value.messages[0]
    with pytest.raises(ValidationError) as excinfo:
        builder.grid_with_settings(grid, weights={}, thresholds={ids[0]: 9.0})
    assert f"threshold__{ids[0]}" in excinfo.value.message_dict
    changed = builder.grid_with_settings(grid, weights={ids[0]: 40.0}, thresholds={ids[0]: None})
    assert changed["criteria"][0]["weight"] == 40.0 and changed["criteria"][0]["threshold"] is None
    assert grid["criteria"][0]["weight"] != 40.0  # the input is not modified


@pytest.mark.parametrize("fields", [
    {"ranking_methods": ["topsis"], "primary_method": "weighted_sum"},
    {"ranking_methods": ["unknown"]},
    {"portfolio_constraints": {"groups": [{"dimension": "region", "group": "XX99"}]}},
    {"portfolio_constraints": {"groups": [{"dimension": "country", "group": "AT", "min_count": 3, "max_count": 1}]}},
    {"portfolio_constraints": {"min_score": 120}},
    {"custom_questions": [{"id": "q1", "label": "Pick", "kind": "choice", "choices": ["only one"]}]},
    {"eligibility_checklist": [{"id": "a", "text": ""}]},
    {"applicant_types": ["martians"]},
])
def test_update_rejects_invalid_configuration(world, fields):
    call = _create(world)
    with pytest.raises(ValidationError):
        builder.call_update(actor=world.users["manager"], call=call, **fields)
    fresh = Call.objects.get(pk=call.pk)
    assert builder.call_snapshot(fresh) == builder.call_snapshot(call.__class__.objects.get(pk=call.pk))
    assert not AuditEntry.objects.filter(action="asis.call.changed").exists()


def test_public_list_filters(world):
    open_call = make_call(world.org, phase="open", title="Open one")
    upcoming = make_call(world.org, phase="announced", title="Upcoming one")
    closed = make_call(world.org, phase="evaluation", title="Closed one")
    make_call(world.org, phase="draft", title="Draft one")
    assert set(builder.public_call_list()) == {open_call, upcoming, closed}
    assert list(builder.public_call_list(state="open")) == [open_call]
    assert list(builder.public_call_list(state="upcoming")) == [upcoming]
    assert list(builder.public_call_list(state="closed")) == [closed]
    open_call.eligible_regions.set(Region.objects.filter(code="FRK2"))
    upcoming.eligible_regions.set(Region.objects.filter(code="AT33"))
    assert set(builder.public_call_list(country="FR")) == {open_call, closed}  # closed: no restriction


def test_snapshot_changes_name_the_leaf_that_changed(world):
    call = make_call(world.org, phase="announced")
    call.refresh_from_db()
    before = builder.call_snapshot(call)
    grid = builder.grid_with_settings(call.grid, weights={"newness": 20.0}, thresholds={})
    builder.call_update(actor=world.users["manager"], call=call, grid=grid, max_grant=Decimal("90000"))
    call.refresh_from_db()
    changes = {path: (old, new) for path, old, new in builder.snapshot_changes(before, builder.call_snapshot(call))}
    assert changes["grid.criteria[newness].weight"] == (15, 20.0)
    assert changes["max_grant"] == ("100000.00", "90000.00")
    assert not any(path.startswith("grid.scales") for path in changes)
