"""Scoring: access, blind evaluation, validation, submission, reopening, others' scores."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from asis.calls.models import (
    ApplicationPartner,
    Attachment,
    CoApplicant,
    ConflictOfInterest,
    Notification,
    Review,
    ReviewScore,
)
from asis.calls.review import services as rv
from asis.core.models import AuditEntry
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review
from tests.calls.review_fixtures import evaluator_user, full_scores, scenario
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db


def _url(application, name="calls:review"):
    return reverse(name, kwargs={"application_id": application.pk})


def test_unassigned_or_conflicted_application_is_404(world):
    s = scenario(world)
    other = make_application(s["call"], world.users["project_holder"], s["lead"])
    client = world.client_for("evaluator")
    assert client.get(_url(s["application"])).status_code == 200
    assert client.get(_url(other)).status_code == 404
    ConflictOfInterest.objects.create(evaluator=s["evaluator"], application=s["application"],
                                      type=ConflictOfInterest.Type.MANUAL, note="x")
    assert client.get(_url(s["application"])).status_code == 404
    assert client.post(_url(s["application"], "calls:review_autosave"), {}).status_code == 404


def test_evaluator_of_another_call_sees_nothing(world):
    s = scenario(world)
    stranger = evaluator_user("stranger@example.org")
    other_call = make_call(world.other_org, phase="evaluation", title="Other call")
    make_evaluator(other_call, stranger)
    client = world.client_for("evaluator")
    client.force_login(stranger)
    assert client.get(_url(s["application"])).status_code == 404
    page = client.get(reverse("calls:review_list"))
    assert page.status_code == 200
    assert "Alpine care hub" not in page.content.decode()
    assert client.get(reverse("calls:declare_conflict", kwargs={"application_id": s["application"].pk})
                      ).status_code == 404


@pytest.mark.parametrize("blind", [True, False])
def test_blind_call_hides_identity(world, blind):
    s = scenario(world, blind=blind)
    partner = make_org("Partnerverein Geheim", "AT33")
    ApplicationPartner.objects.create(application=s["application"], organisation=partner, role="partner")
    co = make_user("co.applicant@example.org", full_name="Coline Coapplicant")
    CoApplicant.objects.create(application=s["application"], user=co)
    attachment = Attachment(application=s["application"], kind=Attachment.Kind.BUDGET,
                            original_name="Verein-Sichtbar-budget.pdf", content_type="application/pdf", size=3,
                            sha256="0" * 64)
    attachment.file.save("x", ContentFile(b"pdf"), save=False)
    attachment.save()
    client = world.client_for("evaluator")
    html = client.get(_url(s["application"])).content.decode()
    hidden = ["Applicant Verein Sichtbar", "Partnerverein Geheim", "Coline Coapplicant", "Verein-Sichtbar-budget.pdf",
              world.users["project_holder"].display_name]
    for text in hidden:
        assert (text in html) is not blind, text
    download = client.get(reverse("calls:review_attachment", kwargs={"application_id": s["application"].pk,
                                                                    "attachment_id": attachment.pk}))
    assert download.status_code == 200
    assert download.content == b"pdf"
    attachment.file.delete(save=False)
    disposition = download["Content-Disposition"]
    assert ("Verein-Sichtbar" in disposition) is not blind
    if blind:
        assert "attachment-1.pdf" in disposition


def test_draft_save_validates_each_score(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    response = client.post(_url(s["application"]), {"score_social_need": "9", "save": "1"})
    assert response.status_code == 400
    assert "Choose a score from 0 to 5." in response.content.decode()
    response = client.post(_url(s["application"]), {"score_social_need": "2.5", "save": "1"})
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert not ReviewScore.objects.exists()
    response = client.post(_url(s["application"]), {"score_social_need": "4", "score_bogus": "5", "save": "1"})
    assert response.status_code == 302
    assert list(ReviewScore.objects.values_list("criterion", "score")) == [("social_need", 4)]


def test_service_refuses_tampered_criterion(world):
    s = scenario(world)
    with pytest.raises(ValidationError) as info:
        rv.review_save(user=world.users["evaluator"], assignment=s["assignment"], scores={"bogus": 3},
                       justifications={}, comment="")
    assert "Unknown criterion: bogus." in str(info.value)
    assert not Review.objects.exists()


def test_submit_requires_all_scores_and_justifications(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    data = full_scores(s["call"])
    data.pop("score_newness")
    data["score_social_need"] = "5"
    data["justification_social_need"] = ""
    data["submit"] = "1"
    response = client.post(_url(s["application"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Score this criterion before submitting." in html
    assert "A justification is required for the lowest or highest score" in html
    assert not Review.objects.filter(status=Review.Status.SUBMITTED).exists()
    # at the knock-out threshold (2 for social_need) a justification is required too
    criterion = next(c for c in rv.criteria_of(s["call"]) if c.id == "social_need")
    assert criterion.needs_justification(2) and criterion.needs_justification(0)
    assert not criterion.needs_justification(3) and not criterion.needs_justification(None)


def test_submit_is_audited_and_idempotent(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    data = {**full_scores(s["call"]), "submit": "1"}
    assert client.post(_url(s["application"]), data).status_code == 302
    review = Review.objects.get(assignment=s["assignment"])
    assert review.status == Review.Status.SUBMITTED and review.submitted_at
    entries = AuditEntry.objects.filter(action="asis.review.submitted")
    assert entries.count() == 1
    assert entries.get().after["scores"]["social_need"] == 3
    response = client.post(_url(s["application"]), {**data, "score_social_need": "4"}, follow=True)
    assert "already submitted" in response.content.decode()
    assert AuditEntry.objects.filter(action="asis.review.submitted").count() == 1
    assert ReviewScore.objects.get(review=review, criterion="social_need").score == 3


def test_submitted_review_is_read_only_until_reopened(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    client.post(_url(s["application"]), {**full_scores(s["call"]), "submit": "1"})
    response = client.post(_url(s["application"]), {**full_scores(s["call"], 4), "save": "1"})
    assert response.status_code == 400
    assert "read-only" in response.content.decode()
    autosave = client.post(_url(s["application"], "calls:review_autosave"), full_scores(s["call"], 4))
    assert "Not saved" in autosave.content.decode()
    assert ReviewScore.objects.get(criterion="social_need").score == 3
    review = Review.objects.get()
    manager = world.client_for("manager")
    reopen_url = reverse("calls:review_reopen", kwargs={"review_id": review.pk})
    assert manager.post(reopen_url, {"reason": ""}).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED
    assert world.client_for("other_manager").post(reopen_url, {"reason": "x"}).status_code == 404
    manager.post(reopen_url, {"reason": "Please justify the budget score."})
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT and review.reopened_count == 1
    assert AuditEntry.objects.filter(action="asis.review.reopened").count() == 1
    mail = Notification.objects.get(kind="review_reopened")
    assert mail.recipient == world.users["evaluator"] and "Please justify the budget score." in mail.body
    assert client.post(_url(s["application"]), {**full_scores(s["call"], 4), "save": "1"}).status_code == 302
    assert ReviewScore.objects.get(criterion="social_need").score == 4


def test_autosave_saves_draft(world):
    s = scenario(world)
    client = world.client_for("evaluator")
    response = client.post(_url(s["application"], "calls:review_autosave"),
                           {"score_social_need": "3", "comment": "so far"})
    assert "Draft saved" in response.content.decode()
    review = Review.objects.get()
    assert review.status == Review.Status.DRAFT and review.comment == "so far"
    assert AuditEntry.objects.filter(action="asis.review.saved").count() == 1
    client.post(_url(s["application"], "calls:review_autosave"), {"score_social_need": "3", "comment": "so far"})
    assert AuditEntry.objects.filter(action="asis.review.saved").count() == 1, "no change, no entry"
    bad = client.post(_url(s["application"], "calls:review_autosave"), {"score_social_need": "7"})
    assert "Not saved" in bad.content.decode()


@pytest.mark.parametrize("hide", [True, False])
def test_others_scores_pseudonymous_and_hidden_until_own_submission(world, hide):
    s = scenario(world, hide=hide)
    score_review(s["second_assignment"], {"social_need": 1})
    client = world.client_for("evaluator")
    html = client.get(_url(s["application"])).content.decode()
    assert s["second_user"].email not in html
    assert ("Evaluator 2" in html) is not hide
    client.post(_url(s["application"]), {**full_scores(s["call"]), "submit": "1"})
    html = client.get(_url(s["application"])).content.decode()
    assert "Evaluator 2" in html
    assert s["second_user"].email not in html


def test_review_list_shows_assignments_with_bounded_queries(world, django_assert_max_num_queries):
    s = scenario(world)
    for n in range(5):
        assign(s["evaluator"], make_application(s["call"], world.users["project_holder"], s["lead"]))
    client = world.client_for("evaluator")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("calls:review_list"))
    assert page.status_code == 200
    url = reverse("calls:review", kwargs={"application_id": s["application"].pk})
    assert page.content.decode().count(f'href="{url}"') == 1


# --- one download rule for every route ------------------------------------------------------------

def _office_with_author(kind: str, author: bytes) -> bytes:
    import io
    import zipfile

    types = {"docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
             "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<Types><Override PartName="/main.xml" ContentType="' + types
                         + b'"/></Types>')
        archive.writestr("docProps/core.xml", b'<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>' + author
                         + b"</dc:creator><cp:lastModifiedBy>" + author + b"</cp:lastModifiedBy></cp:coreProperties>")
        archive.writestr("docProps/app.xml", b"<Properties><Company>" + author + b" GmbH</Company></Properties>")
        archive.writestr("word/document.xml", b"<w:document>Budget</w:document>")
    return buffer.getvalue()


def _pdf_with_author(author: str) -> bytes:
    import io

    from pypdf import PdfWriter
    from pypdf.xmp import XmpInformation

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": author})
    xmp = XmpInformation.create()
    xmp.dc_creator = [author]
    writer.xmp_metadata = xmp
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _attach(application, name, data, content_type):
    attachment = Attachment(application=application, kind=Attachment.Kind.BUDGET, original_name=name,
                            content_type=content_type, size=len(data), sha256="0" * 64)
    attachment.file.save("x", ContentFile(data), save=False)
    attachment.save()
    return attachment


def _downloads(client, application, attachment):
    ids = {"application_id": application.pk, "attachment_id": attachment.pk}
    applicant_route = client.get(reverse("calls:attachment_download", kwargs=ids))
    review_route = client.get(reverse("calls:review_attachment", kwargs=ids))
    return [(applicant_route["Content-Disposition"], b"".join(applicant_route.streaming_content)),
            (review_route["Content-Disposition"], review_route.content)]


def test_blind_evaluator_gets_no_name_through_either_route(world):
    """The probe: the applicants' route gave a blind call's evaluator the original file name."""
    s = scenario(world, blind=True)
    attachment = _attach(s["application"], "Verein-Sichtbar-budget.pdf", b"pdf", "application/pdf")
    for disposition, _content in _downloads(world.client_for("evaluator"), s["application"], attachment):
        assert "Verein-Sichtbar" not in disposition and "attachment-1.pdf" in disposition


@pytest.mark.parametrize(("name", "kind", "content_type"), [
    ("plan.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("plan.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("plan.pdf", "pdf", "application/pdf"),
])
def test_blind_evaluator_gets_documents_without_author_metadata(world, name, kind, content_type):
    import io
    import zipfile

    s = scenario(world, blind=True)
    author = "Verena Sichtbar"
    data = _pdf_with_author(author) if kind == "pdf" else _office_with_author(kind, author.encode())
    assert author.encode() in (data if kind == "pdf" else b"".join(
        zipfile.ZipFile(io.BytesIO(data)).read(n) for n in ("docProps/core.xml", "docProps/app.xml")))
    attachment = _attach(s["application"], name, data, content_type)
    for _disposition, content in _downloads(world.client_for("evaluator"), s["application"], attachment):
        if kind == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(content))
            assert author.encode() not in content and reader.metadata is None and len(reader.pages) == 1
        else:
            archive = zipfile.ZipFile(io.BytesIO(content))
            assert archive.testzip() is None
            assert all(author.encode() not in archive.read(n) for n in archive.namelist())
            assert archive.read("word/document.xml") == b"<w:document>Budget</w:document>"
    # the applicant and the call's managers still get their file exactly as uploaded
    holder = world.client_for("project_holder").get(reverse("calls:attachment_download", kwargs={
        "application_id": s["application"].pk, "attachment_id": attachment.pk}))
    assert b"".join(holder.streaming_content) == data and name in holder["Content-Disposition"]
    manager = world.client_for("manager").get(reverse("calls:attachment_download", kwargs={
        "application_id": s["application"].pk, "attachment_id": attachment.pk}))
    assert b"".join(manager.streaming_content) == data


def test_evaluator_of_an_open_call_gets_the_file_as_uploaded(world):
    s = scenario(world, blind=False)
    data = _office_with_author("docx", b"Verena Sichtbar")
    attachment = _attach(s["application"], "plan.docx", data,
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    for disposition, content in _downloads(world.client_for("evaluator"), s["application"], attachment):
        assert content == data and "plan.docx" in disposition
