"""Small white-book editions for the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from asis.observatory.models import Axis
from asis.policylab.models_whitebook import Chapter, Edition, Evidence, Paragraph


def axis() -> Axis:
    found, _created = Axis.objects.get_or_create(code="wb-skills", defaults={"name": "Skills and training"})
    return found


def make_edition(number: int = 1, *, status: str = Edition.Status.DRAFT, title: str = "White book 2027",
                 previous: Edition | None = None) -> Edition:
    """An edition with two chapters: a text chapter (two paragraphs) and a recommendation chapter
    (one recommendation with evidence). Translations: German for the first paragraph."""
    edition = Edition.objects.create(number=number, title=title, introduction="Why this book exists.",
                                     previous=previous)
    intro = Chapter.objects.create(edition=edition, position=1, title="Context")
    p1 = Paragraph(chapter=intro, position=1, text="Social innovation grows in networks.")
    p1.set_translation("de", "text", "Soziale Innovation wächst in Netzwerken.")
    p1.save()
    Paragraph.objects.create(chapter=intro, position=2, text="Funding alone does not create initiatives.")
    recs = Chapter.objects.create(edition=edition, position=2, title="Recommendations",
                                  kind=Chapter.Kind.RECOMMENDATIONS)
    rec = Paragraph.objects.create(chapter=recs, position=1, kind=Paragraph.Kind.RECOMMENDATION, axis=axis(),
                                   text="Train evaluators every year.")
    Evidence.objects.create(paragraph=rec, kind=Evidence.Kind.SOURCE, citation="Academy report 2026",
                            note="noise halves")
    if status != Edition.Status.DRAFT:
        Edition.objects.filter(pk=edition.pk).update(
            status=Edition.Status.CONSULTATION, consultation_opened_at=timezone.now(),
            consultation_closes_on=timezone.localdate() + dt.timedelta(days=30))
        edition.refresh_from_db()
    return edition


def paragraphs(edition: Edition) -> list[Paragraph]:
    return list(Paragraph.objects.filter(chapter__edition=edition).order_by("chapter__position", "position"))


def verified(user: Any) -> Any:
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def editor(email: str = "editor@example.org") -> Any:
    from tests.conftest import make_user

    return verified(make_user(email, is_editor=True))
