"""Test helpers of the white book's evidence and region profiles (no import of the permission
rules: no cycle)."""

from __future__ import annotations

from typing import Any

from asis.policylab.models import Comparison, Scenario, Visibility
from asis.policylab.models_whitebook import Chapter, Edition, Paragraph


def make_edition(number: int = 1, status: str = Edition.Status.DRAFT) -> Edition:
    return Edition.objects.create(number=number, title=f"White book {number}", status=status)


def make_recommendation(edition: Edition, *, text: str = "Fund community hubs for three years.",
                        position: int = 1) -> Paragraph:
    """A recommendation in the edition's recommendations chapter. Created before adoption: an adopted
    edition's parts cannot be saved, so an adopted test edition is adopted after its content."""
    chapter = edition.chapters.filter(kind=Chapter.Kind.RECOMMENDATIONS).first() or Chapter.objects.create(
        edition=edition, position=2, kind=Chapter.Kind.RECOMMENDATIONS, title="Recommendations")
    return Paragraph.objects.create(chapter=chapter, position=position, kind=Paragraph.Kind.RECOMMENDATION, text=text)


def adopt(edition: Edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.ADOPTED)
    edition.refresh_from_db()
    return edition


def make_scenario(owner: Any, organisation: Any, *, name: str = "Scenario", visibility: str = Visibility.PRIVATE,
                  **fields: Any) -> Scenario:
    return Scenario.objects.create(name=name, owner=owner, organisation=organisation, visibility=visibility, **fields)


def make_comparison(owner: Any, organisation: Any, *, name: str = "Comparison",
                    visibility: str = Visibility.PRIVATE) -> Comparison:
    return Comparison.objects.create(name=name, owner=owner, organisation=organisation, visibility=visibility)
