"""The reporting workflow on the web: draft, submit, return, correct, validate, locked, unlock --
with its events, audit entries and e-mails; and the bad input the issue names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asis.core.models import AuditEntry
from asis.impact.models import Report, ReportEvent, ReportEvidence, ReportValue
from tests.conftest import make_org, make_user
from tests.impact.helpers import make_indicator, make_project, monitor
from tests.impact.reports_fixtures import PDF, form_data, setup_fixture  # noqa: F401  (the "setup" fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the e-mails the services send once their transaction commits."""
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()
    return run


def _edit_url(s, period=None):
    period = period or s.ended
    return reverse("impact:report_edit", args=[s.project.pk, period.pk])


def _post(client, s, *, period=None, **values):
    return client.post(_edit_url(s, period), form_data(s, **values))


def test_the_whole_flow_with_events_audit_and_emails(world, setup, on_commit):
    s = setup
    holder, manager = world.client_for("project_holder"), world.client_for("manager")
    data = form_data(s, share_n="30", share_d="40", risk="Volunteers leave", likelihood="medium")
    data["evidence"] = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")
    data["submit"] = "1"
    response = on_commit(lambda: holder.post(_edit_url(s), data))
    report = Report.objects.get(period=s.ended)
    assert response.status_code == 302 and response["Location"] == reverse("impact:report_detail", args=[report.pk])
    assert report.status == Report.Status.SUBMITTED and report.version == 1
    assert {(v.disaggregation, v.value) for v in report.values.filter(project_indicator=s.reached)} == {
        ("", Decimal("120")), ("sex=female", Decimal("70")), ("sex=male", Decimal("50"))}
    assert report.values.get(project_indicator=s.share).denominator == Decimal("40")
    assert report.budget_spent == [{"line": 0, "amount": "12000.00"}]
    assert report.risks == [{"risk": "Volunteers leave", "likelihood": "medium", "mitigation": ""}]
    assert report.evidence.get().original_name == "attendance.pdf"
    # staff are told (the manager of the funding organisation), not the holder who submitted
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    assert "submitted" in mail.outbox[0].subject

    # the manager returns it with a comment; the German holder is e-mailed in German
    mail.outbox.clear()
    assert on_commit(lambda: manager.post(reverse("impact:report_review", args=[report.pk]), {
        "decision": "return", "comment": "Women and men do not add up to the total?"})).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert [m.to for m in mail.outbox] == [["project_holder@example.org"]]
    assert "Women and men do not add up" in mail.outbox[0].body and "Ihr ASIS-Team" in mail.outbox[0].body
    page = holder.get(_edit_url(s)).content.decode()
    assert "Women and men do not add up to the total?" in page

    # the holder corrects and resubmits; the manager validates
    assert _post(holder, s, total="125", women="75", extra={"submit": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.version == 2
    mail.outbox.clear()
    on_commit(lambda: manager.post(reverse("impact:report_review", args=[report.pk]), {"decision": "validate"}))
    report.refresh_from_db()
    assert report.status == Report.Status.VALIDATED and report.locked and report.validated_at
    assert [m.to for m in mail.outbox] == [["project_holder@example.org"]]

    # locked: the form sends the holder to the report; a POST changes nothing
    assert holder.get(_edit_url(s))["Location"] == reverse("impact:report_detail", args=[report.pk])
    response = _post(holder, s, total="999")
    assert response.status_code == 302
    assert report.values.get(project_indicator=s.reached, disaggregation="").value == Decimal("125")

    # the versions page compares the two submissions with names, not ids
    page = manager.get(reverse("impact:report_versions", args=[report.pk])).content.decode()
    assert "Persons reached, Sex: women" in page and "70 persons" in page and "75 persons" in page

    # unlocking needs a reason and is for staff only
    assert holder.post(reverse("impact:report_unlock", args=[report.pk]), {"reason": "mine"}).status_code == 404
    manager.post(reverse("impact:report_unlock", args=[report.pk]), {"reason": ""})
    report.refresh_from_db()
    assert report.status == Report.Status.VALIDATED
    manager.post(reverse("impact:report_unlock", args=[report.pk]), {"reason": "The total was mistyped."})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED

    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["submitted", "returned", "submitted", "validated", "unlocked"]
    assert report.events.get(action="unlocked").comment == "The total was mistyped."
    assert report.events.filter(action="submitted").first().snapshot["values"][0]["value"] == "120.0000"
    audited = list(AuditEntry.objects.filter(action__startswith="asis.impact.report.", object_id=str(report.pk))
                   .values_list("action", flat=True))
    for action in ("submitted", "returned", "validated", "unlocked", "saved", "evidence_added"):
        assert f"asis.impact.report.{action}" in audited
    entry = AuditEntry.objects.filter(action="asis.impact.report.validated").get()
    assert entry.before["status"] == "submitted" and entry.after["status"] == "validated"
    assert entry.organisation_id == world.org.pk


def test_events_are_append_only_history(world, setup):
    s = setup
    _post(world.client_for("project_holder"), s, extra={"submit": "1"})
    report = Report.objects.get(period=s.ended)
    event = report.events.get()
    assert event.action == ReportEvent.Action.SUBMITTED and event.version == 1
    assert event.snapshot["narrative"] == "We opened the shop."


@pytest.mark.parametrize(("values", "message"), [
    ({"unit": "eur"}, "cannot be converted"),
    ({"total": "twelve"}, "is not a number"),
    ({"total": "20000"}, "outside the plausible range"),
    ({"total": "-3"}, "outside the plausible range"),
    ({"share_n": "50", "share_d": "40"}, "cannot be larger than the denominator"),
    ({"share_n": "5", "share_d": "0"}, "denominator above zero"),
    ({"share_n": "", "share_d": "40"}, "numerator as well as the denominator"),
    ({"spent": "-5"}, "zero or more"),
    ({"risk": "Flood", "likelihood": ""}, "how likely"),
])
def test_bad_values_are_refused_and_nothing_is_saved(world, setup, values, message):
    s = setup
    data = form_data(s, **values)
    data["evidence"] = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")
    response = world.client_for("project_holder").post(_edit_url(s), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists() and not ReportValue.objects.exists() and not ReportEvidence.objects.exists()


def test_a_refused_value_keeps_the_earlier_draft_whole(world, setup):
    s = setup
    client = world.client_for("project_holder")
    assert _post(client, s, total="100").status_code == 302
    assert _post(client, s, total="100", women="abc", narrative="Changed").status_code == 400
    report = Report.objects.get()
    assert report.narrative == "We opened the shop."
    assert report.values.get(project_indicator=s.reached, disaggregation="sex=female").value == Decimal("70")


def test_units_of_the_same_dimension_are_kept_as_typed(world, setup):
    s = setup
    money = monitor(s.project, make_indicator(name="Private co-funding", unit="eur", plausible_max=Decimal(100000)),
                    is_key=False)
    client = world.client_for("project_holder")
    ok = _post(client, s, extra={f"u-{money.pk}": "keur", f"v-{money.pk}-total": "12.5"})
    assert ok.status_code == 302
    value = ReportValue.objects.get(project_indicator=money)
    assert (value.value, value.unit) == (Decimal("12.5"), "keur")
    # 200 kEUR = 200,000 EUR: over the plausible maximum once converted
    response = _post(client, s, extra={f"u-{money.pk}": "keur", f"v-{money.pk}-total": "200"})
    assert response.status_code == 400 and "outside the plausible range" in response.content.decode()


def test_submission_needs_every_key_total_and_an_ended_period(world, setup):
    s = setup
    client = world.client_for("project_holder")
    response = _post(client, s, total="", women="", men="", extra={"submit": "1"})
    assert response.status_code == 400
    assert "Enter the total of the key indicator Persons reached." in response.content.decode()
    report = Report.objects.get(period=s.ended)
    assert report.status == Report.Status.DRAFT and report.narrative == "We opened the shop."  # the draft was kept
    response = _post(client, s, period=s.running, extra={"submit": "1"})
    assert response.status_code == 400
    assert "its report can be submitted from" in response.content.decode()
    assert Report.objects.get(period=s.running).status == Report.Status.DRAFT


def test_an_upload_that_is_not_what_it_says_is_refused(world, setup):
    s = setup
    data = form_data(s)
    data["evidence"] = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = world.client_for("project_holder").post(_edit_url(s), data)
    assert response.status_code == 400 and "is not a valid PDF file" in response.content.decode()
    assert not Report.objects.exists()


def test_tampered_ids_answer_404_and_change_nothing(world, setup):
    s = setup
    stranger = make_user("stranger@example.org")
    other = make_project(make_org("Verein Anders", "ITH1"), stranger, funder=world.other_org, periods=1)
    foreign = monitor(other, make_indicator(name="Their indicator"))
    client = world.client_for("project_holder")
    # another project's indicator in the POST
    response = _post(client, s, extra={f"v-{foreign.pk}-total": "5"})
    assert response.status_code == 404
    # another project's period under our project, and their project outright
    other_period = other.periods.get()
    assert client.get(reverse("impact:report_edit", args=[s.project.pk, other_period.pk])).status_code == 404
    assert client.get(reverse("impact:report_edit", args=[other.pk, other_period.pk])).status_code == 404
    assert not Report.objects.exists()
    # their report, its evidence and its versions
    _post(world.client_for("project_holder"), s, extra={"submit": "1"})
    ours = Report.objects.get()
    for role in ("other_manager", "evaluator", "member"):
        c = world.client_for(role)
        assert c.get(reverse("impact:report_detail", args=[ours.pk])).status_code == 404
        assert c.post(reverse("impact:report_review", args=[ours.pk]), {"decision": "validate"}).status_code == 404
    ours.refresh_from_db()
    assert ours.status == Report.Status.SUBMITTED


def test_evidence_download_is_permission_checked(world, setup):
    s = setup
    data = form_data(s)
    data["evidence"] = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")
    world.client_for("project_holder").post(_edit_url(s), data)
    evidence = ReportEvidence.objects.get()
    url = reverse("impact:report_attachment", args=[evidence.report_id, evidence.pk])
    response = world.client_for("manager").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert world.client_for("other_manager").get(url).status_code == 404
    assert world.client_for("evaluator").get(url).status_code == 404


def test_staff_cannot_validate_twice_or_a_draft(world, setup):
    s = setup
    manager = world.client_for("manager")
    _post(world.client_for("project_holder"), s)
    report = Report.objects.get()
    manager.post(reverse("impact:report_review", args=[report.pk]), {"decision": "validate"})
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and not report.events.exists()
    response = manager.post(reverse("impact:report_review", args=[report.pk]), {"decision": "return", "comment": ""},
                            follow=True)
    assert "Only a submitted report can be validated or returned" in response.content.decode()


def test_return_needs_a_comment(world, setup):
    s = setup
    _post(world.client_for("project_holder"), s, extra={"submit": "1"})
    report = Report.objects.get()
    response = world.client_for("manager").post(reverse("impact:report_review", args=[report.pk]),
                                                {"decision": "return", "comment": "  "}, follow=True)
    assert "Say what the project holder should correct." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_project_page_links_the_reports(world, setup):
    s = setup
    page = world.client_for("project_holder").get(reverse("impact:project_detail", args=[s.project.pk])).content.decode()
    assert _edit_url(s) in page
    page = world.client_for("manager").get(reverse("impact:project_detail", args=[s.project.pk])).content.decode()
    assert _edit_url(s) not in page


@pytest.mark.parametrize(("language", "typed", "number"), [
    ("en", "12,000", "12000"), ("en", "1,234.5", "1234.5"), ("en", "12,5", "12.5"), ("en", "1 000", "1000"),
    ("de", "12.000", "12000"), ("de", "1.234,5", "1234.5"), ("de", "12,5", "12.5"), ("de", "1.2345", "1.2345"),
    ("fr", "1\u202f234,5", "1234.5"),
])
def test_numbers_are_read_as_the_reader_writes_them(language, typed, number):
    from django.utils import translation

    from asis.impact.report_values import parse_number

    with translation.override(language):
        assert parse_number(typed) == Decimal(number)
