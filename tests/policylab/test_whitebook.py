"""The white book: reading, editing, translations, lifecycle and the freeze at adoption."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from asis.core.models import AuditEntry
from asis.policylab.models_whitebook import (
    Chapter,
    Comment,
    Edition,
    Evidence,
    FrozenEditionError,
    Paragraph,
)
from asis.policylab.whitebook import selectors, services
from asis.policylab.whitebook.services import WhiteBookError
from tests.conftest import make_user
from tests.policylab.whitebook_helpers import axis, editor, make_edition, paragraphs, verified

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, lang: str = "en", **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(f"policylab:{name}", kwargs=kwargs)


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=f"asis.policylab.whitebook.{action}").count()


# --- reading -------------------------------------------------------------------------------------

def test_edition_page_numbers_paragraphs_and_marks_fallback_and_outdated() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    page = _client().get(_url("whitebook_edition", "de", number=1)).content.decode()
    assert "Soziale Innovation wächst in Netzwerken." in page  # translated paragraph 1.1
    assert '<span class="wb-number">1.1</span>' in page and '<span class="wb-number">2.1</span>' in page
    # 1.2 has no German translation: shown in English with the fallback mark
    assert "Funding alone does not create initiatives." in page
    assert page.count('class="wb-mark"') >= 2  # the untranslated paragraphs and titles are marked
    assert "Skills and training" in page  # the recommendation's axis badge
    assert "Academy report 2026" in page  # its evidence
    # Changing the original makes the German translation outdated.
    first = paragraphs(edition)[0]
    Paragraph.objects.filter(pk=first.pk).update(text="Social innovation grows in networks and regions.")
    page = _client().get(_url("whitebook_edition", "de", number=1)).content.decode()
    assert "Soziale Innovation wächst in Netzwerken." in page
    assert "translation outdated" in page or "Übersetzung" in page


def test_document_numbering_matches_positions() -> None:
    edition = make_edition()
    doc = selectors.edition_document(edition, "en")
    assert [(p.number, p.text.text) for p in doc.paragraphs()] == [
        ("1.1", "Social innovation grows in networks."),
        ("1.2", "Funding alone does not create initiatives."),
        ("2.1", "Train evaluators every year."),
    ]
    fr = selectors.edition_document(edition, "fr")
    assert fr.paragraphs()[0].text.is_fallback and fr.paragraphs()[0].text.language == "en"


def test_drafts_are_hidden_from_the_public_but_shown_to_officers_and_editors(world: Any) -> None:
    make_edition(1, status=Edition.Status.CONSULTATION)
    make_edition(2)
    assert _client().get(_url("whitebook_edition", number=2)).status_code == 404
    assert _client(world.users["member"]).get(_url("whitebook_edition", number=2)).status_code == 404
    assert _client(world.users["manager"]).get(_url("whitebook_edition", number=2)).status_code == 200
    officer = make_user("officer@example.org")
    from asis.accounts.models import Membership, Role
    Membership.objects.create(user=officer, organisation=world.org, role=Role.POLICY_OFFICER)
    assert _client(officer).get(_url("whitebook_edition", number=2)).status_code == 200
    assert _client(editor()).get(_url("whitebook_edition", number=2)).status_code == 200
    # An officer reads drafts but does not edit them.
    assert _client(officer).get(_url("whitebook_edit", number=2)).status_code == 403
    index = _client().get(_url("whitebook_index")).content.decode()
    assert "Edition 1" in index and "Edition 2" not in index


def test_index_lists_the_current_adopted_edition_first() -> None:
    old = make_edition(1, status=Edition.Status.CONSULTATION)
    ed = editor()
    services.edition_adopt(actor=ed, edition=old, confirm_open_consultation=True)
    newer = services.edition_start_next(actor=ed, edition=old)
    services.consultation_open(actor=ed, edition=newer, closes_on=timezone.localdate() + dt.timedelta(days=3))
    services.edition_adopt(actor=ed, edition=newer, confirm_open_consultation=True)
    make_edition(3, status=Edition.Status.CONSULTATION)
    assert [e.number for e in selectors.editions_for_index(ed)] == [2, 3, 1]


# --- editing -------------------------------------------------------------------------------------

def test_editor_builds_a_draft_through_the_pages() -> None:
    ed = editor()
    client = _client(ed)
    response = client.post(_url("whitebook_edition_create"), {"title": "Book", "introduction": "", "language": "en"})
    edition = Edition.objects.get(title="Book")
    assert response.status_code == 302 and edition.status == Edition.Status.DRAFT
    client.post(_url("whitebook_chapter_add", number=edition.number), {"title": "First", "kind": "text"})
    client.post(_url("whitebook_chapter_add", number=edition.number), {"title": "Second", "kind": "recommendations"})
    first, second = edition.chapters.all()
    client.post(_url("whitebook_paragraph_add", chapter_id=first.pk), {"kind": "text", "text": "Alpha"})
    client.post(_url("whitebook_paragraph_add", chapter_id=first.pk), {"kind": "text", "text": "Beta"})
    # A recommendation without an axis is refused with a message, nothing saved.
    response = client.post(_url("whitebook_paragraph_add", chapter_id=second.pk),
                           {"kind": "recommendation", "text": "Do X"}, follow=True)
    assert "needs its intervention axis" in response.content.decode()
    assert not second.paragraphs.exists()
    client.post(_url("whitebook_paragraph_add", chapter_id=second.pk),
                {"kind": "recommendation", "text": "Do X", "axis": axis().pk})
    # Reorder: Beta up, second chapter up.
    beta = first.paragraphs.get(text="Beta")
    client.post(_url("whitebook_paragraph_action", paragraph_id=beta.pk), {"action": "up"})
    client.post(_url("whitebook_chapter_action", chapter_id=second.pk), {"action": "up"})
    doc = selectors.edition_document(edition, "en")
    assert [c.title.text for c in doc.chapters] == ["Second", "First"]
    assert [p.text.text for p in doc.chapters[1].paragraphs] == ["Beta", "Alpha"]
    # Rename, edit, delete.
    client.post(_url("whitebook_chapter_edit", chapter_id=first.pk), {"title": "Premier", "kind": "text"})
    client.post(_url("whitebook_paragraph_edit", paragraph_id=beta.pk), {"kind": "text", "text": "Beta 2"})
    alpha = first.paragraphs.get(text="Alpha")
    client.post(_url("whitebook_paragraph_action", paragraph_id=alpha.pk), {"action": "delete"})
    doc = selectors.edition_document(edition, "en")
    assert doc.chapters[1].title.text == "Premier" and [p.text.text for p in doc.chapters[1].paragraphs] == ["Beta 2"]
    assert client.get(_url("whitebook_edit", number=edition.number)).status_code == 200
    for action in ("edition_created", "chapter_created", "paragraph_created", "paragraph_moved", "chapter_moved",
                   "chapter_updated", "paragraph_updated", "paragraph_deleted"):
        assert _audits(action) >= 1, action


def test_non_editors_cannot_edit(world: Any) -> None:
    edition = make_edition()
    chapter = edition.chapters.first()
    for role in ("member", "manager", "other_manager"):
        client = world.client_for(role)
        assert client.get(_url("whitebook_edit", number=1)).status_code == 403
        assert client.post(_url("whitebook_chapter_action", chapter_id=chapter.pk), {"action": "delete"}).status_code == 403
    with pytest.raises(WhiteBookError):
        services.chapter_delete(actor=world.users["manager"], chapter=chapter)
    assert Chapter.objects.filter(pk=chapter.pk).exists()
    # A user flagged as editor (not an admin) may.
    assert _client(editor()).get(_url("whitebook_edit", number=1)).status_code == 200


def test_bad_input_is_refused_without_saving() -> None:
    edition = make_edition()
    ed = editor()
    chapter = edition.chapters.first()
    with pytest.raises(WhiteBookError, match="cannot be empty"):
        services.chapter_create(actor=ed, edition=edition, title="   ")
    with pytest.raises(WhiteBookError, match="too long"):
        services.paragraph_create(actor=ed, chapter=chapter, text="x" * 20001)
    with pytest.raises(WhiteBookError, match="region profile needs its region"):
        services.paragraph_create(actor=ed, chapter=chapter, text="", kind=Paragraph.Kind.REGION_PROFILE)
    assert chapter.paragraphs.count() == 2
    response = _client(ed).post(_url("whitebook_paragraph_edit", paragraph_id=paragraphs(edition)[0].pk),
                                {"kind": "nonsense", "text": "x"})
    assert response.status_code == 400


# --- translations ----------------------------------------------------------------------------------

def test_translation_table_counts_and_side_by_side_form() -> None:
    edition = make_edition()
    ed = editor()
    table = selectors.translation_table(edition)
    # texts: edition title, introduction, 2 chapter titles, 3 paragraphs = 7; German: 1 current.
    assert table["counts"]["en"] == {"original": 7, "current": 0, "outdated": 0, "missing": 0}
    assert table["counts"]["de"] == {"original": 0, "current": 1, "outdated": 0, "missing": 6}
    p2 = paragraphs(edition)[1]
    client = _client(ed)
    assert client.get(_url("whitebook_translations", number=1)).status_code == 200
    page = client.get(_url("whitebook_translate", number=1, language="de")).content.decode()
    assert "Funding alone does not create initiatives." in page
    client.post(_url("whitebook_translate", number=1, language="de"),
                {"target": f"paragraph:{p2.pk}", "text": "Geld allein schafft keine Initiativen."})
    p2.refresh_from_db()
    assert p2.translation_status("de", "text") == "current"
    services.paragraph_update(actor=ed, paragraph=p2, text="Funding alone is not enough.", kind="text")
    table = selectors.translation_table(edition)
    assert table["counts"]["de"] == {"original": 0, "current": 1, "outdated": 1, "missing": 5}
    assert _audits("translation_saved") == 1
    # A part of another edition is refused.
    other = make_edition(2)
    response = client.post(_url("whitebook_translate", number=1, language="de"),
                           {"target": f"paragraph:{paragraphs(other)[0].pk}", "text": "x"}, follow=True)
    assert "not part of the edition" in response.content.decode()
    assert client.get(_url("whitebook_translate", number=1, language="xx")).status_code == 404


# --- lifecycle ------------------------------------------------------------------------------------

def test_consultation_needs_a_future_closing_date() -> None:
    edition = make_edition()
    ed = editor()
    with pytest.raises(WhiteBookError, match="after today"):
        services.consultation_open(actor=ed, edition=edition, closes_on=timezone.localdate())
    response = _client(ed).post(_url("whitebook_lifecycle", number=1),
                                {"action": "open", "closes_on": (timezone.localdate() + dt.timedelta(days=9)).isoformat()})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.CONSULTATION and _audits("consultation_opened") == 1
    # Drafts only are edited: the text in consultation changes only through amendments.
    with pytest.raises(WhiteBookError, match="Only a draft"):
        services.chapter_create(actor=ed, edition=edition, title="New")


def test_adoption_needs_a_closed_consultation_or_confirmation_and_freezes_everything() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    ed = editor()
    with pytest.raises(WhiteBookError, match="still open"):
        services.edition_adopt(actor=ed, edition=edition)
    services.consultation_close(actor=ed, edition=edition)
    assert _audits("consultation_closed") == 1
    _client(ed).post(_url("whitebook_lifecycle", number=1), {"action": "adopt"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.ADOPTED and edition.adopted_by == ed and _audits("edition_adopted") == 1
    snap = edition.snapshot
    first = snap["chapters"][0]["paragraphs"][0]["text"]
    assert set(first) == {"en", "fr", "de", "it", "sl"}
    assert first["de"]["text"] == "Soziale Innovation wächst in Netzwerken." and not first["de"]["is_fallback"]
    assert first["fr"] == {"text": "Social innovation grows in networks.", "language": "en",
                           "is_fallback": True, "is_outdated": False}
    rec = snap["chapters"][1]["paragraphs"][0]
    assert rec["axis"]["code"] == "wb-skills"
    assert rec["evidence"][0]["label"]["en"] == "Published source: Academy report 2026 (noise halves)"
    # Nothing changes any more: services refuse with a message, the models refuse too.
    p = paragraphs(edition)[0]
    with pytest.raises(WhiteBookError, match="adopted"):
        services.paragraph_update(actor=ed, paragraph=p, text="changed", kind="text")
    with pytest.raises(FrozenEditionError), transaction.atomic():
        p.text = "changed"
        p.save()
    with pytest.raises(FrozenEditionError), transaction.atomic():
        Paragraph.objects.get(pk=p.pk).delete()
    with pytest.raises(FrozenEditionError), transaction.atomic():
        Chapter.objects.filter(edition=edition).delete()
    with pytest.raises(FrozenEditionError), transaction.atomic():
        Evidence.objects.create(paragraph=p, kind=Evidence.Kind.SOURCE, citation="late")
    with pytest.raises(FrozenEditionError), transaction.atomic():
        Edition.objects.get(pk=edition.pk).save()
    with pytest.raises(FrozenEditionError), transaction.atomic():
        Paragraph.objects.create(chapter=p.chapter, text="sneaked in")
    assert Paragraph.objects.get(pk=p.pk).text == "Social innovation grows in networks."
    response = _client(ed).post(_url("whitebook_paragraph_edit", paragraph_id=p.pk), {"kind": "text", "text": "x"})
    assert response.status_code == 400 and "adopted" in response.content.decode()


def test_adoption_freezes_region_profile_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from asis.policylab.whitebook import profiles
    from asis.regions.models import Region

    region = Region.objects.first() or Region.objects.create(code="AT33", name="Tirol")
    edition = make_edition(status=Edition.Status.CONSULTATION)
    Paragraph.objects.create(chapter=edition.chapters.first(), position=3, kind=Paragraph.Kind.REGION_PROFILE,
                             region=region, text="")
    monkeypatch.setattr(profiles, "figures_for_regions",
                        lambda regions: {r.code: {"rows": [{"label": "Initiatives", "value": 12}]} for r in regions})
    services.edition_adopt(actor=editor(), edition=edition, confirm_open_consultation=True)
    monkeypatch.setattr(profiles, "figures_for_regions",
                        lambda regions: {r.code: {"rows": [{"label": "Initiatives", "value": 99}]} for r in regions})
    stored = Paragraph.objects.get(kind=Paragraph.Kind.REGION_PROFILE)
    assert stored.figures == {"rows": [{"label": "Initiatives", "value": 12}]}
    doc = selectors.edition_document(Edition.objects.get(pk=edition.pk), "en")
    assert doc.paragraphs()[2].figures == {"rows": [{"label": "Initiatives", "value": 12}]}


def test_next_edition_copies_with_the_same_lineages() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    ed = editor()
    with pytest.raises(WhiteBookError, match="adopted edition"):
        services.edition_start_next(actor=ed, edition=edition)
    services.edition_adopt(actor=ed, edition=edition, confirm_open_consultation=True)
    response = _client(ed).post(_url("whitebook_lifecycle", number=1), {"action": "next"})
    assert response.status_code == 302
    new = Edition.objects.get(number=2)
    assert new.status == Edition.Status.DRAFT and new.previous == edition and _audits("edition_started") == 1
    assert [p.lineage for p in paragraphs(new)] == [p.lineage for p in paragraphs(edition)]
    assert paragraphs(new)[0].translations == paragraphs(edition)[0].translations
    assert paragraphs(new)[2].evidence.count() == 1
    with pytest.raises(WhiteBookError, match="already been started"):
        services.edition_start_next(actor=ed, edition=edition)
    # The new draft is editable, the old edition is not.
    services.paragraph_update(actor=ed, paragraph=paragraphs(new)[0], text="New text", kind="text")


def test_lineage_is_unique_per_chapter() -> None:
    edition = make_edition()
    assert len({p.lineage for p in paragraphs(edition)}) == 3
    assert all(isinstance(p.lineage, uuid.UUID) for p in paragraphs(edition))


def test_reading_an_edition_takes_a_bounded_number_of_queries() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(number: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _client().get(_url("whitebook_edition", number=number)).status_code == 200
        return len(queries)

    small = make_edition(1, status=Edition.Status.CONSULTATION)
    big = make_edition(2, status=Edition.Status.CONSULTATION)
    chapter = big.chapters.get(position=2)
    citizen = verified(make_user("citizen@example.org"))
    for i in range(30):
        rec = Paragraph.objects.create(chapter=chapter, position=10 + i, kind=Paragraph.Kind.RECOMMENDATION,
                                       axis=axis(), text=f"Recommendation {i}")
        Evidence.objects.create(paragraph=rec, kind=Evidence.Kind.SOURCE, citation=f"Source {i}")
        Comment.objects.create(paragraph=rec, author=citizen, body=f"Comment {i}", status=Comment.Status.PUBLISHED)
    assert count(2) <= count(small.number) + 2
