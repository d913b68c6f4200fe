"""Drafts are the applicant's own until submitted: the call's managers see only their number, unless
the applicant shares one (an explicit, audited, revocable action; read-only for the managers).
Evaluators never see a draft, shared or not."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import timezone

from asis.calls.models import Application, Attachment, Call
from asis.cli import calls as cli_calls
from asis.cli import main
from asis.core.models import AuditEntry
from tests.calls.helpers import assign, make_application, make_call, make_evaluator
from tests.conftest import make_user

SECRET_TITLE = "Secret draft about alpine huts"
SECRET_NAME = "Zora Privatdraft"


def _setup(world, *, phase: str = "open", **draft_fields):
    call = make_call(world.org, phase=phase, title="Privacy call")
    submitted = make_application(call, world.users["project_holder"], world.org, title="Submitted project")
    applicant = make_user("zora@example.org", full_name=SECRET_NAME)
    draft = make_application(call, applicant, world.org, submitted=False, title=SECRET_TITLE, **draft_fields)
    return call, submitted, draft, applicant


def _share(client, application, choice: str = "on"):
    return client.post(reverse("calls:application_draft_share", args=[application.pk]), {"share": choice})


def _attachment(application):
    from django.core.files.base import ContentFile

    attachment = Attachment(application=application, kind="other", original_name="plan.pdf",
                            content_type="application/pdf", size=9, sha256="0" * 64)
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


def _api(client, path: str):
    return client.get(f"/api/v1{path}")


# --- managers see counts, not drafts --------------------------------------------------------------

def test_manager_list_shows_submitted_and_counts_drafts(world):
    call, submitted, _draft, _applicant = _setup(world)
    for role in ("manager", "platform_admin"):
        page = world.client_for(role).get(reverse("calls:manage_applications", args=[call.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert submitted.title in html
        assert SECRET_TITLE not in html and SECRET_NAME not in html
        assert "1 draft in progress" in html
    # Asking for drafts by the status filter lists none either.
    page = world.client_for("manager").get(reverse("calls:manage_applications", args=[call.pk]), {"status": "draft"})
    assert SECRET_TITLE not in page.content.decode()


def test_manager_direct_url_to_an_unshared_draft_is_404(world):
    _call, _submitted, draft, _applicant = _setup(world)
    manager = world.client_for("manager")
    assert manager.get(reverse("calls:manage_application", args=[draft.pk])).status_code == 404
    assert manager.get(reverse("calls:application_report_pdf", args=[draft.pk])).status_code == 404


def test_api_hides_unshared_drafts_from_managers(world):
    call, submitted, draft, _applicant = _setup(world)
    manager = world.client_for("manager")
    listing = _api(manager, f"/calls/{call.pk}/applications")
    assert listing.status_code == 200
    assert [a["reference"] for a in listing.json()] == [submitted.reference]
    assert SECRET_TITLE not in listing.content.decode()
    detail = _api(manager, f"/applications/{draft.pk}")
    assert detail.status_code == 404
    assert SECRET_TITLE not in detail.content.decode()


def test_manager_cannot_download_an_unshared_drafts_file(world):
    _call, _submitted, draft, _applicant = _setup(world)
    attachment = _attachment(draft)
    response = world.client_for("manager").get(reverse("calls:attachment_download", args=[draft.pk, attachment.pk]))
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # read to the end: a streamed file closes itself
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_draft_withdrawn_without_submission_stays_private(world):
    call, _submitted, draft, _applicant = _setup(world)
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.WITHDRAWN)
    manager = world.client_for("manager")
    assert SECRET_TITLE not in manager.get(reverse("calls:manage_applications", args=[call.pk])).content.decode()
    assert manager.get(reverse("calls:manage_application", args=[draft.pk])).status_code == 404
    assert _api(manager, f"/applications/{draft.pk}").status_code == 404


def test_submitted_then_withdrawn_stays_visible(world):
    call, submitted, _draft, _applicant = _setup(world)
    Application.objects.filter(pk=submitted.pk).update(status=Application.Status.WITHDRAWN)
    manager = world.client_for("manager")
    assert manager.get(reverse("calls:manage_application", args=[submitted.pk])).status_code == 200
    assert submitted.title in manager.get(reverse("calls:manage_applications", args=[call.pk])).content.decode()


def test_dashboard_shows_the_number_of_drafts_only(world):
    call, _submitted, _draft, _applicant = _setup(world)
    make_application(call, world.users["member"], world.org, submitted=False, title="Another private draft")
    html = world.client_for("manager").get(reverse("calls:manage_detail", args=[call.pk])).content.decode()
    assert "2 drafts in progress" in html
    assert SECRET_TITLE not in html and "Another private draft" not in html


def test_cli_list_counts_submitted_applications_and_drafts_apart(world, capsys, monkeypatch):
    call, _submitted, _draft, _applicant = _setup(world)
    make_application(call, world.users["member"], world.org, title="Second submitted")
    monkeypatch.setattr(cli_calls.console, "width", 200)
    assert main(["calls", "list"]) == 0
    out = capsys.readouterr().out
    assert "drafts in progress" in out
    row = next(line for line in out.splitlines() if "Privacy call" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert cells[4:6] == ["2", "1"]  # applications (submitted), drafts in progress
    assert SECRET_TITLE not in out


# --- sharing a draft --------------------------------------------------------------------------------

def test_applicant_shares_a_draft_read_only_and_revokes_it(world):
    call, _submitted, draft, applicant = _setup(world)
    holder = world.client_for("anonymous")
    holder.force_login(applicant)
    manager = world.client_for("manager")

    response = _share(holder, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.draft_shared_at is not None and draft.status == Application.Status.DRAFT
    entry = AuditEntry.objects.get(action="asis.application.draft_shared")
    assert entry.actor == applicant and entry.object_id == str(draft.pk)

    listing = manager.get(reverse("calls:manage_applications", args=[call.pk])).content.decode()
    assert SECRET_TITLE in listing and "Draft shared by the applicant" in listing
    page = manager.get(reverse("calls:manage_application", args=[draft.pk]))
    assert page.status_code == 200
    assert "Draft shared by the applicant" in page.content.decode()
    api = _api(manager, f"/applications/{draft.pk}")
    assert api.status_code == 200 and api.json()["shared_draft"] is True and api.json()["status"] == "draft"
    assert draft.reference in [a["reference"] for a in _api(manager, f"/calls/{call.pk}/applications").json()]
    # Read-only: the manager cannot screen it, and nothing changes.
    refused = manager.post(reverse("calls:manage_application", args=[draft.pk]),
                           {"outcome": "eligible", "reason": "x", "check_region": "yes", "check_cofunding": "yes"})
    assert refused.status_code == 400
    draft.refresh_from_db()
    assert draft.eligibility == Application.Eligibility.PENDING
    # The applicant's page says it is shared and offers to stop.
    assert "Stop sharing the draft" in holder.get(reverse("calls:application_detail", args=[draft.pk])).content.decode()

    assert _share(holder, draft, "off").status_code == 302
    draft.refresh_from_db()
    assert draft.draft_shared_at is None
    assert AuditEntry.objects.filter(action="asis.application.draft_unshared", actor=applicant).count() == 1
    assert manager.get(reverse("calls:manage_application", args=[draft.pk])).status_code == 404
    assert _api(manager, f"/applications/{draft.pk}").status_code == 404


def test_only_the_applicants_may_share_and_only_a_draft(world):
    _call, submitted, draft, _applicant = _setup(world)
    for role in ("manager", "member", "other_manager", "evaluator"):
        assert _share(world.client_for(role), draft).status_code == 404
    draft.refresh_from_db()
    assert draft.draft_shared_at is None

    holder = world.client_for("project_holder")
    response = _share(holder, submitted)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.draft_shared_at is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Only a draft can be shared" in m for m in messages)
    assert not AuditEntry.objects.filter(action__startswith="asis.application.draft_").exists()


def test_bad_share_choice_changes_nothing(world):
    own = make_application(make_call(world.org), world.users["project_holder"], world.org, submitted=False)
    response = _share(world.client_for("project_holder"), own, "maybe")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.draft_shared_at is None
    assert any("Choose whether" in str(m) for m in response.wsgi_request._messages)


def test_other_tenant_manager_never_sees_a_shared_draft(world):
    call, _submitted, draft, _applicant = _setup(world, draft_shared_at=timezone.now())
    other = world.client_for("other_manager")
    assert other.get(reverse("calls:manage_application", args=[draft.pk])).status_code == 404
    assert _api(other, f"/applications/{draft.pk}").status_code == 404
    assert _api(other, f"/calls/{call.pk}/applications").status_code == 404


# --- evaluators never see drafts -----------------------------------------------------------------------

def test_evaluators_never_see_drafts_even_shared(world):
    call, _submitted, draft, _applicant = _setup(world, phase="evaluation", draft_shared_at=timezone.now())
    assert call.status == Call.Status.PUBLISHED
    # Even a stray assignment (the assignment services only pick submitted applications) opens nothing.
    assign(make_evaluator(call, world.users["evaluator"]), draft)
    evaluator = world.client_for("evaluator")
    assert evaluator.get(reverse("calls:review", args=[draft.pk])).status_code == 404
    assert _api(evaluator, f"/applications/{draft.pk}").status_code == 404
    attachment = _attachment(draft)
    assert evaluator.get(reverse("calls:attachment_download", args=[draft.pk, attachment.pk])).status_code == 404
    listing = evaluator.get(reverse("calls:review_list")).content.decode()
    assert SECRET_TITLE not in listing
    assert json.dumps(SECRET_TITLE)[1:-1] not in _api(evaluator, f"/calls/{call.pk}/applications").content.decode()


# --- the managers' audit log and e-mail log ---------------------------------------------------------

def test_audit_and_email_logs_do_not_reveal_a_draft_to_the_calls_managers(world):
    from asis.accounts.models import Role
    from asis.calls.apply import services as svc
    from tests.conftest import make_org
    from tests.factories import MembershipFactory

    call = make_call(world.org, title="Privacy call")
    lead = make_org("Zora's association", "FRK2")
    applicant = MembershipFactory(user__email="zora@example.org", user__full_name=SECRET_NAME, organisation=lead,
                                  role=Role.PROJECT_HOLDER).user
    draft = svc.application_start(actor=applicant, call=call, organisation=lead, title=SECRET_TITLE)
    svc.application_update(actor=applicant, application=draft, fields={"summary": "Hut-to-hut care for elders"})
    svc.co_applicant_add(actor=applicant, application=draft, email=world.users["member"].email)

    manager = world.client_for("manager")
    audit = manager.get(reverse("core:audit_log")).content.decode()
    assert SECRET_TITLE not in audit and SECRET_NAME not in audit and "Hut-to-hut" not in audit
    assert draft.reference not in audit
    emails = manager.get(reverse("calls:notifications", args=[call.pk])).content.decode()
    assert world.users["member"].email not in emails and draft.reference not in emails
    # The draft's history is kept, for platform admins only (no organisation's managers read it).
    history = AuditEntry.objects.filter(object_id=str(draft.pk), action__startswith="asis.application.")
    assert history.count() == 3 and set(history.values_list("organisation_id", flat=True)) == {None}
    admin_view = world.client_for("platform_admin").get(reverse("core:audit_log")).content.decode()
    assert draft.reference in admin_view

    # Once submitted, the application and what follows are the call's managers' to read.
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED, submitted_at=timezone.now())
    draft.refresh_from_db()
    svc.application_withdraw(actor=applicant, application=draft)
    assert draft.reference in manager.get(reverse("core:audit_log")).content.decode()
    assert world.users["member"].email in manager.get(reverse("calls:notifications", args=[call.pk])).content.decode()
