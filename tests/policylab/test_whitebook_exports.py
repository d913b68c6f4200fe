"""White book: differences between editions, exports (HTML, PDF, DOCX) and the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from asis.accounts.services import api_token_create
from asis.policylab.models_whitebook import Comment, Edition, Paragraph
from asis.policylab.whitebook import selectors, services
from asis.policylab.whitebook.diff import diff_counts, editions_diff, word_diff
from tests.conftest import make_user
from tests.policylab.whitebook_helpers import editor, make_edition, paragraphs, verified

pytestmark = pytest.mark.django_db


def _url(name: str, lang: str = "en", **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(f"policylab:{name}", kwargs=kwargs)


def _two_editions() -> tuple[Edition, Edition]:
    """Edition 1 adopted; edition 2: 1.1 changed, 1.2 removed, a paragraph added, the
    recommendation moved into the first chapter."""
    ed = editor()
    first = make_edition(status=Edition.Status.CONSULTATION)
    services.edition_adopt(actor=ed, edition=first, confirm_open_consultation=True)
    second = services.edition_start_next(actor=ed, edition=first)
    p11, p12, rec = paragraphs(second)
    services.paragraph_update(actor=ed, paragraph=p11, text="Social innovation grows in strong networks.", kind="text")
    services.paragraph_delete(actor=ed, paragraph=p12)
    chapter1 = second.chapters.get(position=1)
    services.paragraph_create(actor=ed, chapter=second.chapters.get(position=2), text="Fund cooperation.")
    Paragraph.objects.filter(pk=rec.pk).update(chapter=chapter1, position=0)
    return first, second


def test_word_diff_marks_insertions_and_deletions_accessibly() -> None:
    html = str(word_diff("grows in networks.", "grows in strong networks."))
    assert html == ('grows in <ins><span class="visually-hidden">inserted: </span>strong </ins>networks.')
    html = str(word_diff("a <b> c", "a c"))
    assert "&lt;b&gt;" in html and "<del>" in html and "deleted" in html  # escaped


def test_diff_by_lineage_finds_added_removed_changed_moved() -> None:
    first, second = _two_editions()
    changes = editions_diff(selectors.edition_document(first, "en"), selectors.edition_document(second, "en"))
    status = [(c.status, (c.new or c.old).text.text) for c in changes]
    assert status == [
        ("moved", "Train evaluators every year."),
        ("changed", "Social innovation grows in strong networks."),
        ("removed", "Funding alone does not create initiatives."),
        ("added", "Fund cooperation."),
    ]
    assert diff_counts(changes) == {"added": 1, "removed": 1, "changed": 1, "moved": 1, "same": 0}
    page = Client().get(_url("whitebook_diff", number=2)).content.decode()  # draft: hidden from the public
    assert "strong" not in page
    client = Client()
    client.force_login(editor("e2@example.org"))
    page = client.get(_url("whitebook_diff", number=2)).content.decode()
    assert '<ins><span class="visually-hidden">inserted: </span>strong </ins>' in page
    assert client.get(_url("whitebook_diff", number=2) + "?against=abc").status_code == 404
    assert client.get(_url("whitebook_diff", number=1)).status_code == 200  # no earlier edition


def test_docx_export_reads_back_with_headings_numbers_axis_evidence_and_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from docx import Document

    from asis.policylab.whitebook import profiles
    from asis.regions.models import Region

    region = Region.objects.first() or Region.objects.create(code="AT33", name="Tirol")
    edition = make_edition(status=Edition.Status.CONSULTATION)
    Paragraph.objects.create(chapter=edition.chapters.get(position=2), position=5, kind=Paragraph.Kind.REGION_PROFILE,
                             region=region, text="The region in figures.")
    monkeypatch.setattr(profiles, "figures_for_regions",
                        lambda regions: {r.code: {"region": {"code": r.code}, "observatory": {"initiatives": 1234}}
                                         for r in regions})
    response = Client().get(_url("whitebook_export_docx", "de", number=1))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    doc = Document(io.BytesIO(response.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == "White book 2027"
    assert "1. Context" in headings and "2. Recommendations" in headings
    texts = [p.text for p in doc.paragraphs]
    assert "1.1 Soziale Innovation wächst in Netzwerken." in texts
    assert any(t.startswith("2.1 ") and "Skills and training" in t and "Train evaluators every year." in t for t in texts)
    with translation.override("de"):
        source = gettext("Published source")
    assert f"{source}: Academy report 2026 (noise halves)" in texts
    table = doc.tables[0]
    with translation.override("de"):
        label = gettext("Published initiatives")
    assert [c.text for c in table.rows[1].cells] == [label, "1.234"]  # German number format


def test_pdf_and_html_exports() -> None:
    make_edition(status=Edition.Status.CONSULTATION)
    pdf = Client().get(_url("whitebook_export_pdf", number=1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    html = Client().get(_url("whitebook_export_html", "de", number=1)).content.decode()
    assert "<style>" not in html and "policylab-whitebook-print.css" in html  # the CSP allows no inline styles
    assert "1.1" in html and "Soziale Innovation wächst in Netzwerken." in html
    download = Client().get(_url("whitebook_export_html", number=1) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert "<style>" in download.content.decode() and ".num {" in download.content.decode()  # self-contained


def test_adopted_edition_exports_its_frozen_snapshot() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    services.edition_adopt(actor=editor(), edition=edition, confirm_open_consultation=True)
    # The snapshot is what is exported: prove it by marking it (an update() bypasses the guard).
    snapshot = Edition.objects.get(pk=edition.pk).snapshot
    snapshot["chapters"][0]["paragraphs"][0]["text"]["en"]["text"] = "FROZEN TEXT"
    Edition.objects.filter(pk=edition.pk).update(snapshot=snapshot)
    html = Client().get(_url("whitebook_export_html", number=1)).content.decode()
    assert "FROZEN TEXT" in html
    page = Client().get(_url("whitebook_edition", number=1)).content.decode()
    assert "FROZEN TEXT" in page


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def test_api_lists_and_reads_editions_but_not_drafts() -> None:
    make_edition(1, status=Edition.Status.CONSULTATION)
    make_edition(2)
    client = Client()
    listed = client.get("/api/v1/policylab/white-book/editions").json()
    assert [e["number"] for e in listed] == [1]
    detail = client.get("/api/v1/policylab/white-book/editions/1?language=de").json()
    assert detail["status"] == "consultation" and detail["chapters"][0]["paragraphs"][0]["number"] == "1.1"
    assert detail["chapters"][0]["paragraphs"][0]["text"] == "Soziale Innovation wächst in Netzwerken."
    assert detail["chapters"][0]["paragraphs"][1]["is_fallback"] is True
    assert detail["chapters"][1]["paragraphs"][0]["axis"] == "wb-skills"
    assert client.get("/api/v1/policylab/white-book/editions/2").status_code == 404
    token = _auth(editor())  # an editor's token shows the draft
    assert [e["number"] for e in client.get("/api/v1/policylab/white-book/editions", **token).json()] == [1, 2]
    assert client.get("/api/v1/policylab/white-book/editions/2", **token).status_code == 200
    assert client.get("/api/v1/policylab/white-book/editions/2", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 404
    assert client.get("/api/v1/policylab/white-book/editions/2/comments").status_code == 404


def test_api_comment_create_needs_a_token_and_an_open_consultation() -> None:
    edition = make_edition(1, status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    url = "/api/v1/policylab/white-book/editions/1/comments"
    body = {"paragraph_id": p.pk, "body": "Via the API", "kind": "amendment", "proposed_text": "New text"}
    client = Client()
    assert client.post(url, body, content_type="application/json").status_code == 401
    citizen = verified(make_user("citizen@example.org"))
    client.force_login(citizen)  # the session is not enough: a personal token writes
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.logout()
    response = client.post(url, body, content_type="application/json", **_auth(citizen))
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert client.get(url).json() == []  # not yet published
    services.comment_moderate(actor=editor(), comment=Comment.objects.get(), decision="publish")
    assert [c["body"] for c in client.get(url).json()] == ["Via the API"]
    unverified = make_user("u@example.org", email_verified_at=None)
    assert client.post(url, body, content_type="application/json", **_auth(unverified)).status_code == 403
    bad = client.post(url, {**body, "paragraph_id": 10**6}, content_type="application/json", **_auth(citizen))
    assert bad.status_code == 404
    services.edition_adopt(actor=editor("e2@example.org"), edition=edition, confirm_open_consultation=True)
    refused = client.post(url, body, content_type="application/json", **_auth(citizen))
    assert refused.status_code == 400 and "adopted" in refused.json()["title"]


def test_docx_profile_table_shows_named_figures_never_internal_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from docx import Document

    from asis.policylab.whitebook import profiles
    from asis.regions.models import Region

    region = Region.objects.first() or Region.objects.create(code="AT33", name="Tirol")
    edition = make_edition(status=Edition.Status.CONSULTATION)
    Paragraph.objects.create(chapter=edition.chapters.get(position=2), position=5, kind=Paragraph.Kind.REGION_PROFILE,
                             region=region, text="The region in figures.")
    monkeypatch.setattr(profiles, "figures_for_regions",
                        lambda regions: {r.code: {"calls": {"funded": 7}, "unknown_key": 3} for r in regions})
    doc = Document(io.BytesIO(Client().get(_url("whitebook_export_docx", number=1)).content))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "7" in cells and not any("_" in c for c in cells)
