"""Contribution and moderation of initiatives and organisations.

Users propose; editors (``user.can_moderate``) approve or reject. Writes go through
``asis.observatory.services`` (validation, revision, audit, search index); this module adds the
permission checks, the duplicate detection and the submitter's notification.

Policy for edits: when someone who is not an editor changes a published (or rejected) initiative,
the change is saved as a new revision and the initiative goes back to ``submitted``, so no
unreviewed text reaches the public catalogue. Editors' own edits keep the status.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from asis.accounts.models import Organisation
from asis.core.audit import audit_record
from asis.observatory import notifications
from asis.observatory.models import (
    Axis,
    Challenge,
    Initiative,
    InitiativeImage,
    InitiativeOrganisation,
)
from asis.observatory.services import initiative_save, initiative_set_status
from asis.regions.models import Region

Status = Initiative.Status
TITLE_THRESHOLD = 0.82  # similar titles alone
SAME_LEAD_THRESHOLD = 0.55  # similar enough when the lead organisation is the same
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_STOPWORDS = frozenset(
    ["the", "and", "for", "of", "in", "a", "an", "to", "with", "de", "la", "le", "les", "des", "du", "et", "pour", "en", "un", "une", "der", "die", "das", "und", "für", "im", "mit", "von", "zu", "il", "lo", "gli", "i", "e", "per", "con", "del", "della", "di", "in", "na", "za", "in", "z", "s", "v", "ter"]
)


# --- duplicates ------------------------------------------------------------------------------

def normalise_title(text: str) -> str:
    """Casefold, strip accents and punctuation, drop short function words."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join(w for w in _NON_WORD.split(folded) if w and w not in _STOPWORDS)


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def title_similarity(a: str, b: str) -> float:
    """The larger of difflib's ratio and the trigram Jaccard index of the normalised titles (0..1)."""
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    ratio = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    ta, tb = _trigrams(na), _trigrams(nb)
    jaccard = len(ta & tb) / len(ta | tb)
    return max(ratio, jaccard)


def find_possible_duplicate(*, title: str, lead: Organisation | None,
                            exclude_pk: int | None = None) -> Initiative | None:
    """The most similar published or submitted initiative, if it looks like the same one.

    Candidates are narrowed in the database (same lead organisation, or a title containing the
    title's three longest words) so the check stays cheap on a large catalogue.
    """
    # Database words keep their accents (icontains compares them as written); the three longest
    # must all appear, which keeps the candidate list short even on a large catalogue.
    words = sorted({w for w in _NON_WORD.split((title or "").casefold()) if len(w) >= 4 and w not in _STOPWORDS},
                   key=lambda w: (-len(w), w))[:3]
    condition = Q()
    if lead is not None:
        condition |= Q(organisation_links__organisation=lead, organisation_links__role=InitiativeOrganisation.Role.LEAD)
    if words:
        condition |= Q(*[Q(title__icontains=word) for word in words])
    if not condition:
        return None
    candidates = (Initiative.objects.filter(condition, status__in=[Status.PUBLISHED, Status.SUBMITTED])
                  .exclude(pk=exclude_pk).distinct().order_by("-pk")[:300])
    lead_ids = set()
    if lead is not None:
        lead_ids = set(InitiativeOrganisation.objects.filter(
            organisation=lead, role=InitiativeOrganisation.Role.LEAD).values_list("initiative_id", flat=True))
    best, best_score = None, 0.0
    for candidate in candidates:
        score = title_similarity(title, candidate.title)
        threshold = SAME_LEAD_THRESHOLD if candidate.pk in lead_ids else TITLE_THRESHOLD
        if score >= threshold and score > best_score:
            best, best_score = candidate, score
    return best


# --- permission-checked reads ----------------------------------------------------------------

def moderation_queue() -> QuerySet[Initiative]:
    return (Initiative.objects.filter(status=Status.SUBMITTED)
            .select_related("submitted_by", "possible_duplicate_of").order_by("updated_at", "pk"))


def organisations_to_moderate() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.SUBMITTED).select_related("region", "submitted_by")


def check_moderator(user: Any) -> None:
    if not (user.is_authenticated and user.can_moderate):
        raise PermissionDenied


def access_initiative_for_edit(user: Any, initiative_id: int) -> Initiative:
    """The initiative if ``user`` submitted it or is an editor; 404 otherwise."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None or not user.is_authenticated:
        raise Http404
    if not (user.can_moderate or initiative.submitted_by_id == user.pk):
        raise Http404
    if initiative.status == Status.ARCHIVED and not user.can_moderate:
        raise Http404
    return initiative


def access_initiative_history(user: Any, initiative_id: int) -> Initiative:
    """Anyone may read the history of a published initiative; the submitter and editors always."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        raise Http404
    if initiative.status == Status.PUBLISHED:
        return initiative
    if user.is_authenticated and (user.can_moderate or initiative.submitted_by_id == user.pk):
        return initiative
    raise Http404


# --- writes ----------------------------------------------------------------------------------

def _lead(organisations: Sequence[tuple[Organisation, str]]) -> Organisation | None:
    return next((o for o, role in organisations if role == InitiativeOrganisation.Role.LEAD), None)


def initiative_propose(
    *,
    actor: Any,
    initiative: Initiative,
    organisations: Sequence[tuple[Organisation, str]],
    regions: Iterable[Region],
    challenges: Iterable[Challenge],
    axes: Iterable[Axis],
    images: Iterable[tuple[Any, str, str]] = (),
) -> Initiative:
    """A user's new initiative: saved as ``submitted``, checked for duplicates, images attached."""
    lead = _lead(organisations)
    if lead is None or lead.status != Organisation.Status.PUBLISHED:
        raise ValidationError({"lead": ["The lead organisation must be a published organisation."]})
    initiative.status = Status.SUBMITTED
    initiative.submitted_by = actor
    initiative.possible_duplicate_of = find_possible_duplicate(title=initiative.title, lead=lead)
    with transaction.atomic():
        initiative_save(actor=actor, initiative=initiative, organisations=organisations, regions=regions,
                        challenges=challenges, axes=axes, note="proposed", action="asis.initiative.proposed")
        _attach_images(initiative, images)
    return initiative


def initiative_edit(
    *,
    actor: Any,
    initiative: Initiative,
    organisations: Sequence[tuple[Organisation, str]],
    regions: Iterable[Region],
    challenges: Iterable[Challenge],
    axes: Iterable[Axis],
    images: Iterable[tuple[Any, str, str]] = (),
) -> Initiative:
    """Save a change; a non-editor's change to a published or rejected entry goes back to moderation."""
    if not (actor.can_moderate or initiative.submitted_by_id == actor.pk):
        raise PermissionDenied
    with transaction.atomic():
        if not actor.can_moderate:
            initiative.possible_duplicate_of = find_possible_duplicate(
                title=initiative.title, lead=_lead(organisations), exclude_pk=initiative.pk)
        initiative_save(actor=actor, initiative=initiative, organisations=organisations, regions=regions,
                        challenges=challenges, axes=axes, note="edited")
        _attach_images(initiative, images)
        if not actor.can_moderate and initiative.status in (Status.PUBLISHED, Status.REJECTED):
            initiative_set_status(actor=actor, initiative=initiative, status=Status.SUBMITTED)
    return initiative


def _attach_images(initiative: Initiative, images: Iterable[tuple[Any, str, str]]) -> None:
    for upload, alt_text, credit in images:
        image = InitiativeImage(initiative=initiative, image=upload, alt_text=alt_text, credit=credit)
        image.full_clean()
        image.save()


def initiative_moderate(*, actor: Any, initiative: Initiative, decision: str, reason: str = "") -> Initiative:
    """An editor publishes or rejects a submitted initiative; the submitter gets an email."""
    check_moderator(actor)
    if decision not in (Status.PUBLISHED, Status.REJECTED):
        raise ValidationError({"decision": ["Unknown decision."]})
    if initiative.status != Status.SUBMITTED:
        raise ValidationError({"status": ["Only submitted initiatives are moderated."]})
    with transaction.atomic():
        initiative_set_status(actor=actor, initiative=initiative, status=decision, reason=reason)
        if decision == Status.PUBLISHED and initiative.possible_duplicate_of_id:
            # The editor saw the warning and decided it is a different initiative.
            Initiative.objects.filter(pk=initiative.pk).update(possible_duplicate_of=None)
            initiative.possible_duplicate_of = None
        submitter = initiative.submitted_by
        if submitter is not None and submitter.pk != actor.pk:
            transaction.on_commit(lambda: notifications.notify_initiative_decision(initiative))
    return initiative


def organisation_propose(*, actor: Any, organisation: Organisation) -> Organisation:
    """A user's new organisation, to be checked by an editor before it can lead initiatives."""
    organisation.status = Organisation.Status.SUBMITTED
    organisation.submitted_by = actor
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_record(action="asis.organisation.proposed", actor=actor, obj=organisation,
                     after={"name": organisation.name, "status": organisation.status})
    return organisation


def organisation_moderate(*, actor: Any, organisation: Organisation, decision: str, reason: str = "") -> Organisation:
    check_moderator(actor)
    if decision not in (Organisation.Status.PUBLISHED, Organisation.Status.REJECTED):
        raise ValidationError({"decision": ["Unknown decision."]})
    if organisation.status != Organisation.Status.SUBMITTED:
        raise ValidationError({"status": ["Only submitted organisations are moderated."]})
    if decision == Organisation.Status.REJECTED and not reason.strip():
        raise ValidationError({"moderation_reason": ["Give the submitter a reason for the rejection."]})
    with transaction.atomic():
        organisation.status = decision
        organisation.moderation_reason = reason.strip()
        organisation.save(update_fields=["status", "moderation_reason"])
        audit_record(action=f"asis.organisation.{decision}", actor=actor, obj=organisation,
                     before={"status": Organisation.Status.SUBMITTED},
                     after={"status": decision, "reason": organisation.moderation_reason})
        if organisation.submitted_by is not None and organisation.submitted_by.pk != actor.pk:
            transaction.on_commit(lambda: notifications.notify_organisation_decision(organisation))
    return organisation
