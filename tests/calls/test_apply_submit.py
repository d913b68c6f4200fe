"""The applicant's side of issue 10 item 10: standard budget categories, the final review with its
declaration, the receipt PDF on the submitted page; and the screening form prefilled, with
previous/next."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from asis.calls.apply.budget import budget_rows, category_label
from asis.calls.models import Application
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call
from tests.calls.test_apply import DECLARED, complete_draft, form_data
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _submit_url(application):
    return reverse("calls:application_submit", args=[application.pk])


def test_submit_page_shows_the_application_read_only_with_the_declaration(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    page = holder.get(_submit_url(application))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="declaration"' in html and "Coordinator" in html and "Personnel" in html
    assert 'name="title"' not in html, "the final check is read-only"
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submit_without_the_declaration_is_refused_and_nothing_changes(world):
    application = complete_draft(world)
    response = world.client_for("project_holder").post(_submit_url(application), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_declaration"' in html
    assert "Confirm the declaration to submit the application." in html
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT and application.declared_at is None
    assert not AuditEntry.objects.filter(action="asis.application.submitted").exists()


def test_declaration_is_recorded_with_its_time(world):
    application = complete_draft(world)
    assert world.client_for("project_holder").post(_submit_url(application), DECLARED).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.declared_at == application.submitted_at
    entry = AuditEntry.objects.get(action="asis.application.submitted")
    assert entry.after["declared_at"] and "true and complete" in entry.after["declaration"]


def test_receipt_is_linked_locale_formatted_and_only_for_the_applicants(world):
    application = complete_draft(world)
    holder = world.client_for("project_holder")
    holder.post(_submit_url(application), DECLARED)
    detail = holder.get(reverse("calls:application_detail", args=[application.pk])).content.decode()
    receipt_url = reverse("calls:application_receipt", args=[application.pk])
    assert receipt_url in detail
    response = holder.get(receipt_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for role in ("manager", "evaluator", "member", "other_manager"):
        assert world.client_for(role).get(receipt_url).status_code == 404, role
    assert world.client_for("anonymous").get(receipt_url).status_code == 302
    # a co-applicant reads it too
    from asis.calls.models import CoApplicant

    co = make_user("co.applicant@example.org")
    CoApplicant.objects.create(application=application, user=co)
    client = world.client_for("anonymous")
    client.force_login(co)
    assert client.get(receipt_url).status_code == 200


def test_receipt_text_follows_the_readers_language():
    from django.template.loader import render_to_string

    from asis.calls.pdf import render_pdf  # noqa: F401  (WeasyPrint is present)

    with translation.override("de"):
        rows = budget_rows([{"category": "personnel", "description": "", "amount": "33150"}])
        html = render_to_string("calls/apply/receipt_pdf.html", {
            "application": Application(reference="DEMO-2-001", requested_amount=33150, total_cost=40000),
            "call": None, "content": {"attachments": []}, "budget_rows": rows, "digest": "0" * 64})
    assert "33.150,00\xa0EUR" in html
    assert "40.000,00\xa0EUR" in html


def test_draft_has_no_receipt(world):
    application = complete_draft(world)
    url = reverse("calls:application_receipt", args=[application.pk])
    assert world.client_for("project_holder").get(url).status_code == 404


def test_budget_categories_are_a_standard_list_and_legacy_text_stays_valid(world):
    application = complete_draft(world, budget_lines=[{"category": "Staff (old)", "description": "Coordinator",
                                                       "amount": "60000"},
                                                      {"category": "travel", "description": "Visits",
                                                       "amount": "40000"}])
    holder = world.client_for("project_holder")
    page = holder.get(reverse("calls:application_edit", args=[application.pk])).content.decode()
    assert '<option value="subcontracting">Subcontracting</option>' in page
    assert "Staff (old)" in page
    assert "data-budget-add" in page and "js/application-budget.js" in page
    # three empty lines without JavaScript
    assert 'name="budget-4-amount"' in page and 'name="budget-5-amount"' not in page
    data = form_data(application, **{"budget-0-category": "Staff (old)"})
    assert holder.post(reverse("calls:application_edit", args=[application.pk]), data).status_code == 302
    bad = form_data(application, **{"budget-0-category": "Bribes"})
    assert holder.post(reverse("calls:application_edit", args=[application.pk]), bad).status_code == 400
    # a line added by the "Add a line" button (a higher index) is saved
    data = form_data(application, **{"budget-7-category": "equipment", "budget-7-description": "Van",
                                     "budget-7-amount": "5"})
    assert holder.post(reverse("calls:application_edit", args=[application.pk]), data).status_code == 302
    application.refresh_from_db()
    assert application.budget_lines[-1] == {"category": "equipment", "description": "Van", "amount": "5"}
    with translation.override("de"):
        assert category_label("equipment") != "" and category_label("Staff (old)") == "Staff (old)"


def test_screening_form_is_prefilled_and_links_previous_and_next(world):
    call = make_call(world.org)
    first, second, third = (make_application(call, world.users["project_holder"], world.org) for _ in range(3))
    make_application(call, world.users["project_holder"], world.org, submitted=False)  # a draft is not next
    manager = world.client_for("manager")
    manager.post(reverse("calls:manage_application", args=[second.pk]),
                 {"item_region": "yes", "item_cofunding": "no", "outcome": "ineligible", "reason": "Rate exceeded."})
    html = manager.get(reverse("calls:manage_application", args=[second.pk])).content.decode()
    assert re.search(r'<input[^>]*value="no"[^>]*id="id_item_cofunding_1"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="yes"[^>]*id="id_item_region_0"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="ineligible"[^>]*checked', html)
    assert "Rate exceeded.</textarea>" in html
    assert reverse("calls:manage_application", args=[first.pk]) in html
    assert reverse("calls:manage_application", args=[third.pk]) in html
    assert f"Previous: {first.reference}" in html and f"Next: {third.reference}" in html
    edge = manager.get(reverse("calls:manage_application", args=[third.pk])).content.decode()
    assert "Next:" not in edge

