"""A complete call: criteria and anchors edited before opening, AHP weights, weights totalling 100 %,
publication behind a preview and a confirmation, documents, FAQ, contact, translated checklist and
questions, and "notify me when it opens" with double opt-in and notices in the subscriber's language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from asis.calls.builder import content, grid_edit, notify
from asis.calls.builder import services as builder
from asis.calls.models import Call, CallDocument, CallSubscription
from asis.core.models import AuditEntry, Job
from asis.engines.grids import load_builtin
from tests.calls.helpers import make_call

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50


def url(name, language="en", **kwargs):
    with translation.override(language):
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


def three_criteria_grid():
    """The ASIS grid cut to three scored criteria and the pass/fail one."""
    grid = load_builtin("asis").to_dict()
    grid["criteria"] = grid["criteria"][:3] + [grid["criteria"][-1]]
    for criterion, weight in zip(grid["criteria"], (40.0, 30.0, 30.0, 0.0), strict=True):
        criterion["weight"] = weight
    return grid


def criteria_post(call, rows):
    data = management("criteria", len(rows), len(call.grid["criteria"]))
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{n}-{key}"] = value
    return data


# --- criteria and anchors -------------------------------------------------------------------------

def test_criteria_renamed_described_added_and_removed_before_opening(world, manager):
    call = make_call(world.org, phase="draft", grid=three_criteria_grid())
    first, second, third, passfail = call.grid["criteria"]
    rows = [
        {"id": first["id"], "label": "Novelty", "description": "How new is it?", "scale": "score-0-5"},
        {"id": second["id"], "label": second["label"]["en"], "description": second["description"]["en"],
         "scale": "score-0-5"},
        {"id": third["id"], "label": "x", "description": "x", "scale": "score-0-5", "DELETE": "on"},
        {"id": passfail["id"], "label": passfail["label"]["en"], "description": passfail["description"]["en"],
         "scale": "pass-fail"},
        {"id": "", "label": "Gender equality", "description": "Does the project serve women and men alike?",
         "scale": "score-0-5"},
    ]
    response = manager.post(edit_url(call, "criteria"), criteria_post(call, rows))
    assert response.status_code == 302
    call.refresh_from_db()
    criteria = call.grid["criteria"]
    assert [c["id"] for c in criteria] == [first["id"], second["id"], passfail["id"], "crit-1"]
    renamed = criteria[0]
    # a changed original replaces every language's text (the engine needs all five), others stay translated
    assert renamed["label"] == dict.fromkeys(("en", "fr", "de", "it", "sl"), "Novelty")
    assert criteria[1]["label"] == second["label"] and criteria[1]["weight"] == 30.0
    assert criteria[3]["weight"] == 0.0 and criteria[3]["group"] == "custom"
    entry = AuditEntry.objects.filter(action="asis.call.changed", object_id=str(call.pk)).latest("pk")
    assert "grid" in entry.after
    # the weights now total 70 %: the grid page says so and saving them as they are is refused
    page = manager.get(edit_url(call, "grid")).content.decode()
    assert "Total: 70 %" in page
    weights = {f"weight__{c['id']}": str(c["weight"]) for c in criteria}
    weights.update({f"threshold__{c['id']}": "" for c in criteria})
    response = manager.post(edit_url(call, "grid"), weights)
    assert response.status_code == 400
    assert "add up to 70 %; they must add up to 100 %" in " ".join(response.context["grid_form"].non_field_errors())
    weights[f"weight__{criteria[3]['id']}"] = "30"
    assert manager.post(edit_url(call, "grid"), weights).status_code == 302


def test_level_anchors_described(world, manager):
    call = make_call(world.org, phase="draft", grid=three_criteria_grid())
    data = {f"scale-pass-fail-level__{n}": text for n, text in ((0, "Does not fit the call."), (1, "Fits the call."))}
    response = manager.post(edit_url(call, "criteria", action="anchors", scale="pass-fail"), data)
    assert response.status_code == 302
    call.refresh_from_db()
    scale = next(s for s in call.grid["scales"] if s["id"] == "pass-fail")
    assert scale["anchors"]["1"]["en"] == "Fits the call." and scale["anchors"]["1"]["de"] == "Fits the call."
    response = manager.post(edit_url(call, "criteria", action="anchors", scale="pass-fail"),
                            {"scale-pass-fail-level__0": "", "scale-pass-fail-level__1": "Fits."})
    assert response.status_code == 400


def test_criteria_frozen_once_the_call_is_open(world, manager):
    call = make_call(world.org, phase="open", grid=three_criteria_grid())
    before = call.grid
    rows = [{"id": c["id"], "label": "Changed", "description": "Changed", "scale": c["scale"]}
            for c in call.grid["criteria"]]
    response = manager.post(edit_url(call, "criteria"), criteria_post(call, rows))
    assert response.status_code == 409
    call.refresh_from_db()
    assert call.grid == before
    with pytest.raises(Exception, match="frozen"):
        builder.call_update(actor=world.users["manager"], call=call,
                            grid=grid_edit.grid_with_criteria(call.grid, rows=rows, language="en"))


def test_removing_every_criterion_is_refused(world, manager):
    call = make_call(world.org, phase="draft", grid=three_criteria_grid())
    rows = [{"id": c["id"], "label": "x", "description": "x", "scale": c["scale"], "DELETE": "on"}
            for c in call.grid["criteria"]]
    response = manager.post(edit_url(call, "criteria"), criteria_post(call, rows))
    assert response.status_code == 400
    call.refresh_from_db()
    assert len(call.grid["criteria"]) == 4


def test_template_weights_become_percentages():
    grid = builder.grid_from_template("asis-core")
    assert sum(c["weight"] for c in grid["criteria"]) == pytest.approx(100.0, abs=1e-9)
    assert builder.grid_from_template("asis")["criteria"] == load_builtin("asis").to_dict()["criteria"]


# --- AHP ------------------------------------------------------------------------------------------

SAATY = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def _independent_ahp(matrix):
    """Principal eigenvector by power iteration and Saaty's CR with RI(3) = 0.58."""
    a = np.array(matrix, dtype=float)
    w = np.ones(len(a)) / len(a)
    for _ in range(200):
        w = a @ w
        w = w / w.sum()
    lam = float(np.mean((a @ w) / w))
    return w, (lam - len(a)) / (len(a) - 1) / 0.58


def test_ahp_worked_example_matches_an_independent_computation():
    """The classic three-criteria example (weights 0.637, 0.258, 0.105; CR 0.033) against power iteration."""
    weights, ratio = _independent_ahp(SAATY)
    assert weights == pytest.approx([0.637, 0.258, 0.105], abs=1e-3) and ratio == pytest.approx(0.033, abs=1e-3)
    outcome = grid_edit.ahp_weights(3, {(0, 1): 3, (0, 2): 5, (1, 2): 3})
    assert sum(outcome.weights) == pytest.approx(100.0, abs=1e-9)
    assert outcome.weights == pytest.approx(tuple(100 * weights), abs=0.01)
    assert outcome.consistency_ratio == pytest.approx(ratio, abs=1e-6) and outcome.consistent


def test_ahp_weights_fill_the_grid_and_the_ratio_is_shown(world, manager):
    call = make_call(world.org, phase="draft", grid=three_criteria_grid())
    page = manager.get(edit_url(call, "grid")).content.decode()
    assert "Weigh by pairwise comparisons (AHP)" in page
    assert page.count('name="ahp-pair__') == 3  # the pass/fail criterion is not compared
    response = manager.post(edit_url(call, "grid", action="ahp"),
                            {"ahp-pair__0__1": "3", "ahp-pair__0__2": "5", "ahp-pair__1__2": "3"}, follow=True)
    assert response.status_code == 200
    assert "consistency ratio 0.033" in response.content.decode()
    call.refresh_from_db()
    weights = [c["weight"] for c in call.grid["criteria"]]
    assert weights == [63.7, 25.83, 10.47, 0.0]
    assert call.grid["weighting"]["judgments"] == {"0-1": "3", "0-2": "5", "1-2": "3"}
    assert builder.grid_validate(call.grid).weights[0] == pytest.approx(0.637, abs=1e-3)
    # the comparisons are shown again as they were made
    assert re.search(r'<option value="3" selected>', manager.get(edit_url(call, "grid")).content.decode())


def test_ahp_contradictions_are_explained_and_change_nothing(world, manager):
    call = make_call(world.org, phase="draft", grid=three_criteria_grid())
    first, second = (c["label"]["en"] for c in call.grid["criteria"][:2])
    # A much more than B, B much more than C, yet C much more than A
    response = manager.post(edit_url(call, "grid", action="ahp"),
                            {"ahp-pair__0__1": "9", "ahp-pair__0__2": "1/9", "ahp-pair__1__2": "9"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The comparisons contradict each other; revise them" in page
    assert "Consistency ratio:" in page and "The weights were not changed." in page
    assert first in page and second in page
    call.refresh_from_db()
    assert [c["weight"] for c in call.grid["criteria"]] == [40.0, 30.0, 30.0, 0.0]


# --- portfolio pickers ----------------------------------------------------------------------------

def test_portfolio_pickers_show_human_names_and_store_challenge_rules(world, manager):
    from asis.observatory.models import Challenge

    challenge = Challenge.objects.filter(active=True).order_by("position").first()
    call = make_call(world.org, phase="draft")
    page = manager.get(edit_url(call, "portfolio")).content.decode()
    assert "Tirol (AT33)" in page and ">Austria<" in page
    if challenge is None:
        pytest.skip("no challenge in the reference data")
    data = {"min_score": "", "min_fraction": "1", **management("groups", 1, 0),
            "groups-0-groups": [f"challenge:{challenge.code}"], "groups-0-min_share": "20"}
    assert manager.post(edit_url(call, "portfolio"), data).status_code == 302
    call.refresh_from_db()
    assert call.portfolio_constraints["groups"] == [
        {"dimension": "challenge", "group": challenge.code, "min_count": None, "max_count": None,
         "min_share": 0.2, "max_share": None}]
    response = manager.post(edit_url(call, "portfolio"), {**data, "groups-0-min_share": ""})
    assert response.status_code == 400  # a rule without any limit says nothing


# --- publication ----------------------------------------------------------------------------------

def _publishable(world, **fields):
    return make_call(world.org, phase="draft", opens_at=timezone.now() + dt.timedelta(days=2),
                     closes_at=timezone.now() + dt.timedelta(days=30), **fields)


def test_publish_shows_a_preview_and_needs_confirmation(world, manager):
    call = _publishable(world, contact_name="Anna Berger", contact_email="anna@example.org")
    page = manager.get(url("publish", call_id=call.pk)).content.decode()
    assert "Preview of the public page" in page and "Anna Berger" in page
    assert "Becomes public" in page and "Freezes when the call opens" in page
    response = manager.post(url("publish", call_id=call.pk), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    call.refresh_from_db()
    assert call.status == "draft" and not AuditEntry.objects.filter(action="asis.call.published").exists()
    assert manager.post(url("publish", call_id=call.pk), {"confirm": "on"}).status_code == 302
    call.refresh_from_db()
    assert call.status == "published"


def test_cofunding_default_is_80_percent_and_existing_calls_keep_theirs(world, manager):
    data = {"organisation": world.org.pk, "title": "Care", "original_language": "en", "grid_template": "asis",
            "budget": "200000", "min_grant": "5000", "max_grant": "40000", "timezone": "Europe/Vienna",
            "opens_at": "2031-01-10T09:00", "closes_at": "2031-02-20T17:00"}
    assert manager.post(url("create"), data).status_code == 302
    assert Call.objects.get(title="Care").cofunding_rate == Decimal("80")
    old = make_call(world.org, phase="draft", cofunding_rate=Decimal("100"))
    old.refresh_from_db()
    assert old.cofunding_rate == Decimal("100")


# --- documents, FAQ, contact ----------------------------------------------------------------------

def test_documents_private_while_draft_public_once_published(world, manager):
    call = _publishable(world)
    response = manager.post(edit_url(call, "documents"), {
        "title": "Guidelines", "file": SimpleUploadedFile("guidelines.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    document = CallDocument.objects.get(call=call)
    assert AuditEntry.objects.filter(action="asis.call.document_added", object_id=str(call.pk)).count() == 1
    download = url("document_download", call_id=call.pk, document_id=document.pk)
    anonymous, other = world.client_for("anonymous"), world.client_for("other_manager")
    assert anonymous.get(download).status_code == 404
    assert other.get(download).status_code == 404
    got = manager.get(download)
    assert got.status_code == 200 and got.content == PDF and "guidelines.pdf" in got["Content-Disposition"]
    manager.post(url("publish", call_id=call.pk), {"confirm": "on"})
    assert anonymous.get(download).status_code == 200
    assert "Guidelines" in anonymous.get(url("public_detail", call_id=call.pk)).content.decode()
    # a document of another call is not reachable through this call's address
    other_call = _publishable(world, title="Other")
    assert anonymous.get(url("document_download", call_id=other_call.pk, document_id=document.pk)).status_code == 404


def test_document_with_false_content_is_refused(world, manager):
    call = _publishable(world)
    response = manager.post(edit_url(call, "documents"), {
        "title": "Guidelines", "file": SimpleUploadedFile("guidelines.pdf", EXE, "application/pdf")})
    assert response.status_code == 400
    assert "not a valid PDF file" in " ".join(response.context["form"].errors["file"])
    assert not CallDocument.objects.exists()


def test_documents_faq_and_contact_stay_editable_after_opening(world, manager):
    call = make_call(world.org, phase="open")
    assert manager.post(edit_url(call, "contact"), {"contact_name": "Anna Berger", "contact_email": "anna@example.org",
                                                    "contact_phone": "+43 512 508"}).status_code == 302
    data = {**management("faq", 2, 0), "faq-0-question": "Can a municipality apply?",
            "faq-0-answer": "Yes, as lead partner.", "faq-1-question": "", "faq-1-answer": ""}
    assert manager.post(edit_url(call, "faq"), data).status_code == 302
    assert manager.post(edit_url(call, "contact"), {"contact_phone": "call me"}).status_code == 400
    page = world.client_for("anonymous").get(url("public_detail", call_id=call.pk)).content.decode()
    assert "Can a municipality apply?" in page and "anna@example.org" in page and "+43 512 508" in page
    assert AuditEntry.objects.filter(action="asis.call.faq_changed", object_id=str(call.pk)).count() == 1


def test_checklist_questions_faq_and_document_title_translated(world, manager):
    call = make_call(world.org, phase="announced", custom_questions=[
        {"id": "q-1", "label": "Which valley?", "kind": "text", "required": False, "choices": []}])
    content.document_add(actor=world.users["manager"], call=call, title="Guidelines", name="g.pdf", data=PDF)
    content.faq_save(actor=world.users["manager"], call=call, rows=[{"question": "Who?", "answer": "Anyone."}])
    faq = call.faqs.get()
    document = call.documents.get()
    data = {"content-de-check__region": "Das Projekt findet in einer förderfähigen Region statt.",
            "content-de-question__q-1": "Welches Tal?", f"content-de-faq_question__{faq.pk}": "Wer?",
            f"content-de-faq_answer__{faq.pk}": "Alle.", f"content-de-doc_title__{document.pk}": "Leitfaden",
            "content-de-crit_label__newness": "Neuheit"}
    response = manager.post(edit_url(call, "translations", language="de", part="content"), data)
    assert response.status_code == 302
    call.refresh_from_db()
    page = world.client_for("anonymous").get(url("public_detail", "de", call_id=call.pk)).content.decode()
    for text in ("förderfähigen Region", "Welches Tal?", "Wer?", "Alle.", "Leitfaden", "Neuheit"):
        assert text in page, text
    english = world.client_for("anonymous").get(url("public_detail", call_id=call.pk)).content.decode()
    assert "Which valley?" in english and "Guidelines" in english
    # a changed original drops its translation, which no longer says the same thing
    items = [{"id": "region", "text": "The project runs in an eligible region."}, call.eligibility_checklist[1]]
    formset = management("checklist", 2, 2)
    for n, item in enumerate(items):
        formset.update({f"checklist-{n}-id": item["id"], f"checklist-{n}-text": item["text"]})
    assert manager.post(edit_url(call, "checklist"), formset).status_code == 302
    call.refresh_from_db()
    assert "translations" not in call.eligibility_checklist[0]
    assert content.item_text(call.custom_questions[0], "label", "de") == "Welches Tal?"


# --- notify me when it opens ----------------------------------------------------------------------

def test_anonymous_subscription_needs_confirmation_and_the_notice_comes_in_their_language(world):
    call = make_call(world.org, phase="announced")
    call.set_translation("de", "title", "Soziale Innovation in den Alpen")
    call.save()
    visitor = world.client_for("anonymous")
    response = visitor.post(url("subscribe", "de", call_id=call.pk), {"email": "leser@example.org"})
    assert response.status_code == 302
    subscription = CallSubscription.objects.get()
    assert subscription.language == "de" and subscription.confirmed_at is None
    assert len(mail.outbox) == 1 and "Soziale Innovation in den Alpen" in mail.outbox[0].subject
    link = re.search(r"https?://\S+/de/calls/notify/confirm/(\S+)/", mail.outbox[0].body)
    assert link and link.group(1) == subscription.token
    # the call opens before the address is confirmed: nobody is written to
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    assert notify.opening_notices_send() == 0
    # opening the link only asks (a mail scanner confirms nothing); the button confirms
    confirm = url("subscription_confirm", "de", token=subscription.token)
    assert visitor.get(confirm).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert visitor.post(confirm).status_code == 302
    mail.outbox.clear()
    assert notify.opening_notices_send() == 1
    assert notify.opening_notices_send() == 0  # once only
    message = mail.outbox[0]
    assert message.to == ["leser@example.org"] and "Soziale Innovation in den Alpen" in message.subject
    end = url("subscription_end", "de", token=subscription.token)
    assert end in message.body
    assert visitor.get(end).status_code == 200 and CallSubscription.objects.exists()
    assert visitor.post(end).status_code == 200
    assert not CallSubscription.objects.exists()


def test_signed_in_user_subscribes_with_one_click(world):
    call = make_call(world.org, phase="announced")
    member = world.client_for("member")
    assert member.post(url("subscribe", "fr", call_id=call.pk), {}).status_code == 302
    subscription = CallSubscription.objects.get()
    assert subscription.user == world.users["member"] and subscription.confirmed_at is not None
    assert subscription.email == world.users["member"].email and subscription.language == "fr"
    assert mail.outbox == []
    assert "You will get an e-mail when the call opens." in member.get(url("public_detail", call_id=call.pk)).content.decode()


def test_subscription_refused_once_the_call_is_open_and_bad_addresses_kept_out(world):
    visitor = world.client_for("anonymous")
    announced = make_call(world.org, phase="announced")
    response = visitor.post(url("subscribe", call_id=announced.pk), {"email": "not an address"})
    assert response.status_code == 400
    opened = make_call(world.org, phase="open", title="Open call")
    assert visitor.post(url("subscribe", call_id=opened.pk), {"email": "a@example.org"}).status_code == 400
    assert not CallSubscription.objects.exists()
    assert visitor.get(url("subscription_confirm", token="forged")).status_code == 404


def test_expired_confirmation_link_is_refused(world):
    call = make_call(world.org, phase="announced")
    subscription, _mailed = notify.subscription_start(call=call, email="late@example.org", user=None, language="en")
    CallSubscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(Exception, match="expired"):
        notify.subscription_confirm(token=subscription.token)
    assert not CallSubscription.objects.exists()


def test_the_worker_sweep_starts_the_notices_job_only_when_due(world):
    call = make_call(world.org, phase="announced")
    CallSubscription.objects.create(call=call, email="a@example.org", language="en", token="t1",
                                    confirmed_at=timezone.now())
    assert notify.opening_notices_due() is None
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    job = notify.opening_notices_due()
    assert job is not None and job.kind == notify.JOB_KIND
    assert notify.opening_notices_due() is None  # one queued job is enough
    assert Job.objects.filter(kind=notify.JOB_KIND).count() == 1
    from asis.core.jobs import run_job

    assert run_job.call(str(job.pk)) == "succeeded"
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_translations_of_the_rules_texts_still_possible_after_opening(world, manager):
    call = make_call(world.org, phase="open")
    before = call.grid
    response = manager.post(edit_url(call, "translations", language="de", part="content"),
                            {"content-de-check__region": "Förderfähige Region.", "content-de-crit_label__newness": "Neuheit"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.eligibility_checklist[0]["translations"] == {"de": "Förderfähige Region."}
    assert call.grid["criteria"][0]["label"]["de"] == "Neuheit"
    assert call.grid["criteria"][0]["label"]["en"] == before["criteria"][0]["label"]["en"]
    assert [c["weight"] for c in call.grid["criteria"]] == [c["weight"] for c in before["criteria"]]
    assert AuditEntry.objects.filter(action="asis.call.translated", object_id=str(call.pk)).exists()


def test_subscriptions_in_the_personal_data_export_erasure_and_retention(world, settings):
    from asis.accounts.services import retention_purge, user_anonymise, user_personal_data

    member = world.users["member"]
    call = make_call(world.org, phase="announced")
    notify.subscription_start(call=call, email="", user=member, language="de")
    assert user_personal_data(user=member)["call_subscriptions"][0]["email"] == member.email
    waiting = CallSubscription.objects.create(call=call, email="waiting@example.org", language="en", token="w",
                                              confirmed_at=timezone.now())
    pending = CallSubscription.objects.create(call=call, email="pending@example.org", language="en", token="p")
    old = timezone.now() - dt.timedelta(days=settings.ASIS_RETENTION_DAYS + 1)
    CallSubscription.objects.filter(pk__in=[waiting.pk, pending.pk]).update(created_at=old)
    assert retention_purge()["call_subscriptions"] == 1  # the unconfirmed one; the other still waits
    assert CallSubscription.objects.filter(pk=waiting.pk).exists()
    user_anonymise(user=member, actor=None)
    assert not CallSubscription.objects.filter(user=member).exists()
