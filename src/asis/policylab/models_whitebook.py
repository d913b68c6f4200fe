"""The white book: editions made of chapters and paragraphs in five languages, public
consultation (comments and amendments per paragraph, moderated, with replies) and adoption.

An edition goes draft -> consultation -> adopted. Paragraphs are translatable content
(``TranslatableModel``: original language + translations marked outdated when the original
changes, which is the translation status). A paragraph's ``lineage`` stays the same from one
edition to the next, so two editions can be compared paragraph by paragraph. Paragraphs generated
from data (region profiles) recompute their figures until adoption; adoption freezes everything
into ``Edition.snapshot`` and the edition and its parts can no longer change.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from asis.calls.models import Call, FundedProject
from asis.core.i18n import TranslatableModel
from asis.observatory.models import Axis, Initiative
from asis.regions.models import Region


class Edition(TranslatableModel):
    TRANSLATABLE_FIELDS = ("title", "introduction")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("Public consultation")
        ADOPTED = "adopted", _("Adopted")

    number = models.PositiveIntegerField(_("edition"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey("self", verbose_name=_("previous edition"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    consultation_opened_at = models.DateTimeField(_("consultation opened"), null=True, blank=True)
    consultation_closes_on = models.DateField(_("consultation closes on"), null=True, blank=True)
    consultation_closed_at = models.DateTimeField(_("consultation closed"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("adopted by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    # Frozen at adoption: the whole text in every language and every generated figure.
    snapshot = models.JSONField(_("adopted text"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("white-book edition")
        verbose_name_plural = _("white-book editions")

    def __str__(self) -> str:
        return str(self.translated("title"))

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.ADOPTED


class Chapter(TranslatableModel):
    TRANSLATABLE_FIELDS = ("title",)

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        REGION_PROFILES = "region_profiles", _("Region profiles")
        RECOMMENDATIONS = "recommendations", _("Recommendations")

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE,
                                related_name="chapters")
    lineage = models.UUIDField(_("chapter identity across editions"), default=uuid.uuid4)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["edition", "position", "pk"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [models.UniqueConstraint(fields=["edition", "lineage"],
                                               name="policylab_chapter_lineage_once")]

    def __str__(self) -> str:
        return str(self.translated("title"))


class Paragraph(TranslatableModel):
    """A numbered paragraph: text, a recommendation (along an intervention axis, with evidence) or
    a region profile generated from the data."""

    TRANSLATABLE_FIELDS = ("text",)

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        RECOMMENDATION = "recommendation", _("Recommendation")
        REGION_PROFILE = "region_profile", _("Region profile")

    chapter = models.ForeignKey(Chapter, verbose_name=_("chapter"), on_delete=models.CASCADE,
                                related_name="paragraphs")
    lineage = models.UUIDField(_("paragraph identity across editions"), default=uuid.uuid4)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(_("text"), blank=True)
    axis = models.ForeignKey(Axis, verbose_name=_("intervention axis"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="whitebook_paragraphs")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="whitebook_paragraphs")
    # Figures of a generated region profile, frozen at adoption (until then recomputed on view).
    figures = models.JSONField(_("figures"), null=True, blank=True)

    class Meta:
        ordering = ["chapter", "position", "pk"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [models.UniqueConstraint(fields=["chapter", "lineage"],
                                               name="policylab_paragraph_lineage_once")]

    def __str__(self) -> str:
        return str(self.translated("text"))[:80]


class Evidence(models.Model):
    """What a recommendation rests on: an initiative, a funded project's results, a call's
    results, a scenario or a scenario comparison -- or a cited source outside the platform."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative in the observatory")
        PROJECT = "project", _("Results of a funded project")
        CALL = "call", _("Results of a call")
        SCENARIO = "scenario", _("Simulated scenario")
        COMPARISON = "comparison", _("Comparison of scenarios")
        SOURCE = "source", _("Published source")

    paragraph = models.ForeignKey(Paragraph, verbose_name=_("recommendation"), on_delete=models.CASCADE,
                                  related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    initiative = models.ForeignKey(Initiative, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("initiative"))
    project = models.ForeignKey(FundedProject, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("funded project"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("call"))
    scenario = models.ForeignKey("policylab.Scenario", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("scenario"))
    comparison = models.ForeignKey("policylab.Comparison", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="evidence", verbose_name=_("comparison"))
    citation = models.CharField(_("source"), max_length=500, blank=True)
    url = models.URLField(_("link"), blank=True)
    note = models.TextField(_("what it shows"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["paragraph", "position", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.citation or self.note[:60]}"


class Comment(models.Model):
    """A comment or an amendment (proposed new text) on a paragraph during consultation, or a
    reply to one. Published only after moderation."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        AMENDMENT = "amendment", _("Amendment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")
        ACCEPTED = "accepted", _("Amendment taken into the text")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paragraph = models.ForeignKey(Paragraph, verbose_name=_("paragraph"), on_delete=models.CASCADE,
                                  related_name="comments")
    parent = models.ForeignKey("self", verbose_name=_("reply to"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="whitebook_comments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("comment"))
    proposed_text = models.TextField(_("proposed text"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderation_reason = models.TextField(_("reason given by the moderator"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:60]}"


# --- an adopted edition cannot change -----------------------------------------------------------

class FrozenEditionError(Exception):
    """Raised on any attempt to save or delete an adopted edition or one of its parts."""

    def __init__(self) -> None:
        super().__init__(str(_("This edition has been adopted and can no longer change. "
                               "Start the next edition to revise it.")))


def _edition_id_of(instance: models.Model) -> int | None:
    if isinstance(instance, Edition):
        return instance.pk
    if isinstance(instance, Chapter):
        return instance.edition_id
    if isinstance(instance, Paragraph):
        return Chapter.objects.filter(pk=instance.chapter_id).values_list("edition_id", flat=True).first()
    if isinstance(instance, Evidence):
        return (Paragraph.objects.filter(pk=instance.paragraph_id)
                .values_list("chapter__edition_id", flat=True).first())
    return None


def _stored_adopted(instance: models.Model) -> bool:
    edition_id = _edition_id_of(instance)
    return bool(edition_id and Edition.objects.filter(pk=edition_id, status=Edition.Status.ADOPTED).exists())


def _refuse_frozen(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures and restores load adopted editions as they are
        return
    if _stored_adopted(instance):
        raise FrozenEditionError


for _model in (Edition, Chapter, Paragraph, Evidence):
    pre_save.connect(_refuse_frozen, sender=_model, dispatch_uid=f"policylab_frozen_save_{_model.__name__}")
    pre_delete.connect(_refuse_frozen, sender=_model, dispatch_uid=f"policylab_frozen_delete_{_model.__name__}")
