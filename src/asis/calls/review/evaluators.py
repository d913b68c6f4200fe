"""Evaluators of a call (invitations, answers, removal) and conflicts of interest.

Services write in one transaction with one audit entry each; e-mails go out after the commit.
Conflicts come from four sources (``ConflictOfInterest.Type``): detected automatically by
:func:`conflicts_detect` (same organisation, partner organisation, the call's regional rule),
declared by the evaluator, or recorded by the programme manager. A conflict on an existing
assignment removes it, unless a review was already submitted: then the assignment stays and the
manager sees it flagged (:func:`flagged_conflicts`) to decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from asis.accounts.models import Membership
from asis.calls.models import (
    Application,
    ApplicationPartner,
    Assignment,
    Call,
    CoApplicant,
    ConflictOfInterest,
    Evaluator,
    Review,
)
from asis.calls.notifications import notify
from asis.core.audit import audit_record
from asis.observatory.models import Challenge

AUTOMATIC_TYPES = (
    ConflictOfInterest.Type.SAME_ORGANISATION,
    ConflictOfInterest.Type.PARTNER_ORGANISATION,
    ConflictOfInterest.Type.REGIONAL,
)


# --- selectors -----------------------------------------------------------------------------------

def evaluators_of(call: Call) -> QuerySet[Evaluator]:
    """The call's evaluators with their load (assignments) and submitted reviews counted."""
    return (Evaluator.objects.filter(call=call).select_related("user")
            .prefetch_related("expertise")
            .annotate(load=Count("assignments", distinct=True),
                      submitted=Count("assignments", distinct=True,
                                      filter=Q(assignments__review__status=Review.Status.SUBMITTED)),
                      conflict_count=Count("conflicts", distinct=True))
            .order_by("user__email"))


def evaluator_in_call(call: Call, evaluator_id: Any) -> Evaluator | None:
    try:
        return Evaluator.objects.select_related("user", "call").filter(call=call, pk=int(evaluator_id)).first()
    except (TypeError, ValueError):
        return None


def conflicts_of(call: Call) -> QuerySet[ConflictOfInterest]:
    return (ConflictOfInterest.objects.filter(evaluator__call=call)
            .select_related("evaluator__user", "application").order_by("application__reference", "evaluator__pk"))


def conflicted_pairs(call: Call) -> set[tuple[int, int]]:
    """(application id, evaluator id) pairs with any conflict of interest."""
    return set(ConflictOfInterest.objects.filter(evaluator__call=call)
               .values_list("application_id", "evaluator_id"))


def flagged_conflicts(call: Call) -> list[Assignment]:
    """Assignments kept despite a conflict because their review was already submitted."""
    return list(Assignment.objects.filter(application__call=call, review__status=Review.Status.SUBMITTED,
                                          application__conflicts__evaluator_id=F("evaluator_id"))
                .select_related("evaluator__user", "application").distinct())


def declarable_applications(evaluator: Evaluator) -> QuerySet[Application]:
    """Submitted applications of the evaluator's call (title only is shown) without a declaration yet."""
    declared = ConflictOfInterest.objects.filter(evaluator=evaluator, type=ConflictOfInterest.Type.DECLARED)
    return (Application.objects.filter(call=evaluator.call, status=Application.Status.SUBMITTED)
            .exclude(pk__in=declared.values("application_id")).order_by("reference"))


# --- invitations ---------------------------------------------------------------------------------

def _set_password_url(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def evaluator_invite(*, actor: Any, call: Call, email: str, full_name: str = "", external: bool = False,
                     capacity: int | None = None, expertise: Iterable[Challenge] = (),
                     language: str = "") -> Evaluator:
    """Invite a person by e-mail; an unknown address gets an account without a password (the
    e-mail links to the password reset form to set one)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from exc
    if capacity is not None and capacity < 0:
        raise ValidationError({"capacity": _("The capacity cannot be negative.")})
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = user_model(email=email, full_name=full_name.strip()[:200],
                              preferred_language=language or "en")
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        if Evaluator.objects.filter(call=call, user=user).exists():
            raise ValidationError({"email": _("This person is already an evaluator of the call.")})
        evaluator = Evaluator(call=call, user=user, external=external, capacity=capacity, invited_by=actor)
        evaluator.full_clean(exclude=["user", "call", "invited_by"])
        evaluator.save()
        evaluator.expertise.set(list(expertise))
        audit_record(action="asis.evaluator.invited", actor=actor, obj=evaluator,
                     organisation_id=call.organisation_id,
                     after={"user": user.pk, "new_account": created, "external": external, "capacity": capacity,
                            "expertise": sorted(c.code for c in evaluator.expertise.all())})
    context = {"evaluator": evaluator, "new_account": created,
               "invitation_url": reverse("calls:invitation", kwargs={"call_id": call.pk}),
               "set_password_url": _set_password_url(user) if created else ""}
    notify(kind="evaluator_invited", user=user, context=context, call=call)
    return evaluator


def evaluator_respond(*, user: Any, evaluator: Evaluator, accept: bool) -> Evaluator:
    """The invited person accepts or declines (a declined evaluator may accept later)."""
    new = Evaluator.Status.ACCEPTED if accept else Evaluator.Status.DECLINED
    if evaluator.user_id != user.pk:
        raise ValidationError(_("This invitation is not yours."))
    if evaluator.status == new:
        return evaluator
    if not accept and evaluator.assignments.filter(review__status=Review.Status.SUBMITTED).exists():
        raise ValidationError(_("You have already submitted reviews for this call; ask the programme manager."))
    with transaction.atomic():
        before = {"status": evaluator.status}
        evaluator.status = new
        evaluator.responded_at = timezone.now()
        evaluator.save(update_fields=["status", "responded_at"])
        audit_record(action="asis.evaluator.accepted" if accept else "asis.evaluator.declined", actor=user,
                     obj=evaluator, organisation_id=evaluator.call.organisation_id, before=before,
                     after={"status": new})
    return evaluator


def evaluator_update(*, actor: Any, evaluator: Evaluator, capacity: int | None, external: bool,
                     expertise: Iterable[Challenge]) -> Evaluator:
    if capacity is not None and capacity < 0:
        raise ValidationError({"capacity": _("The capacity cannot be negative.")})
    with transaction.atomic():
        before = {"capacity": evaluator.capacity, "external": evaluator.external,
                  "expertise": sorted(c.code for c in evaluator.expertise.all())}
        evaluator.capacity, evaluator.external = capacity, external
        evaluator.save(update_fields=["capacity", "external"])
        evaluator.expertise.set(list(expertise))
        audit_record(action="asis.evaluator.updated", actor=actor, obj=evaluator,
                     organisation_id=evaluator.call.organisation_id, before=before,
                     after={"capacity": capacity, "external": external,
                            "expertise": sorted(c.code for c in evaluator.expertise.all())})
    return evaluator


def evaluator_remove(*, actor: Any, evaluator: Evaluator) -> None:
    """Remove an evaluator who has no review (draft or submitted); their assignments go too."""
    if Review.objects.filter(assignment__evaluator=evaluator).exists():
        raise ValidationError(_("This evaluator has started or submitted reviews and cannot be removed."))
    with transaction.atomic():
        pairs = list(evaluator.assignments.values_list("application_id", flat=True))
        audit_record(action="asis.evaluator.removed", actor=actor, obj=evaluator,
                     organisation_id=evaluator.call.organisation_id,
                     before={"user": evaluator.user_id, "status": evaluator.status, "assignments": pairs})
        evaluator.assignments.all().delete()
        evaluator.delete()


# --- conflicts of interest -----------------------------------------------------------------------

def _drop_assignment(*, actor: Any, evaluator: Evaluator, application: Application, why: str) -> str:
    """Apply a new conflict to an existing assignment: "removed", "flagged" or "" (none)."""
    assignment = Assignment.objects.filter(evaluator=evaluator, application=application).first()
    if assignment is None:
        return ""
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.status == Review.Status.SUBMITTED:
        return "flagged"
    audit_record(action="asis.assignment.removed", actor=actor, obj=assignment,
                 organisation_id=application.call.organisation_id,
                 before={"evaluator": evaluator.pk, "application": application.pk, "method": assignment.method},
                 after={"reason": why, "draft_review_deleted": review is not None})
    if review is not None:
        review.delete()
    assignment.delete()
    return "removed"


def _conflict_create(*, actor: Any, evaluator: Evaluator, application: Application, kind: str,
                     note: str) -> tuple[ConflictOfInterest, str]:
    if application.call_id != evaluator.call_id:
        raise ValidationError({"application": _("The application belongs to another call.")})
    if ConflictOfInterest.objects.filter(evaluator=evaluator, application=application, type=kind).exists():
        raise ValidationError({"application": _("This conflict of interest is already recorded.")})
    with transaction.atomic():
        conflict = ConflictOfInterest.objects.create(evaluator=evaluator, application=application, type=kind,
                                                     note=note, recorded_by=actor)
        audit_record(action="asis.conflict.recorded", actor=actor, obj=conflict,
                     organisation_id=application.call.organisation_id,
                     after={"evaluator": evaluator.pk, "application": application.pk, "type": kind, "note": note})
        outcome = _drop_assignment(actor=actor, evaluator=evaluator, application=application,
                                   why=f"conflict of interest ({kind})")
    return conflict, outcome


def conflict_declare(*, user: Any, evaluator: Evaluator, application: Application,
                     note: str) -> tuple[ConflictOfInterest, str]:
    """The evaluator declares a conflict with an application of the call (before or after assignment)."""
    if evaluator.user_id != user.pk:
        raise ValidationError(_("Only the evaluator may declare their own conflict."))
    if not note.strip():
        raise ValidationError({"note": _("Say briefly why (e.g. a personal or professional tie).")})
    return _conflict_create(actor=user, evaluator=evaluator, application=application,
                            kind=ConflictOfInterest.Type.DECLARED, note=note.strip())


def conflict_record(*, actor: Any, evaluator: Evaluator, application: Application,
                    note: str) -> tuple[ConflictOfInterest, str]:
    """The programme manager records a conflict, with a required note."""
    if not note.strip():
        raise ValidationError({"note": _("A note is required.")})
    return _conflict_create(actor=actor, evaluator=evaluator, application=application,
                            kind=ConflictOfInterest.Type.MANUAL, note=note.strip())


def conflict_remove(*, actor: Any, conflict: ConflictOfInterest) -> None:
    """Remove a conflict recorded by the manager or declared by mistake (automatic ones come back
    with the next detection while their cause stands)."""
    with transaction.atomic():
        audit_record(action="asis.conflict.removed", actor=actor, obj=conflict,
                     organisation_id=conflict.evaluator.call.organisation_id,
                     before={"evaluator": conflict.evaluator_id, "application": conflict.application_id,
                             "type": conflict.type, "note": conflict.note})
        conflict.delete()


def detect_pairs(call: Call) -> dict[tuple[int, int], tuple[str, str]]:
    """Automatic conflicts of the call: {(evaluator id, application id): (type, note)}.

    Same organisation: the evaluator is a member of the lead organisation, or the applicant or a
    co-applicant. Partner: a member of a partner organisation. Regional (the call's rule): one of
    the evaluator's organisations lies in the application's NUTS-2 region or its lead
    organisation's region (same_region), or in the same country (same_country).
    """
    evaluators = list(Evaluator.objects.filter(call=call).values_list("pk", "user_id"))
    if not evaluators:
        return {}
    users = {u for _, u in evaluators}
    orgs_of: dict[int, set[int]] = defaultdict(set)
    regions_of: dict[int, set[str]] = defaultdict(set)
    countries_of: dict[int, set[str]] = defaultdict(set)
    for user_id, org_id, region, country in Membership.objects.filter(user_id__in=users).values_list(
            "user_id", "organisation_id", "organisation__region__code", "organisation__country"):
        orgs_of[user_id].add(org_id)
        regions_of[user_id].add(region)
        countries_of[user_id].add(country)
    apps = list(Application.objects.filter(call=call, status=Application.Status.SUBMITTED).values_list(
        "pk", "organisation_id", "applicant_id", "region__code", "region__country",
        "organisation__region__code", "organisation__country"))
    partners: dict[int, set[int]] = defaultdict(set)
    for app_id, org_id in ApplicationPartner.objects.filter(application__call=call).values_list(
            "application_id", "organisation_id"):
        partners[app_id].add(org_id)
    people: dict[int, set[int]] = defaultdict(set)
    for app_id, user_id in CoApplicant.objects.filter(application__call=call).values_list("application_id",
                                                                                            "user_id"):
        people[app_id].add(user_id)
    rule = call.regional_conflict_rule
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for app_id, lead_org, applicant, region, country, org_region, org_country in apps:
        for evaluator_id, user_id in evaluators:
            key = (evaluator_id, app_id)
            if user_id == applicant or user_id in people[app_id]:
                found[key] = (ConflictOfInterest.Type.SAME_ORGANISATION, "applicant or co-applicant")
            elif lead_org in orgs_of[user_id]:
                found[key] = (ConflictOfInterest.Type.SAME_ORGANISATION, "member of the lead organisation")
            elif orgs_of[user_id] & partners[app_id]:
                found[key] = (ConflictOfInterest.Type.PARTNER_ORGANISATION, "member of a partner organisation")
            elif rule == Call.RegionalConflictRule.SAME_REGION and regions_of[user_id] & {region, org_region}:
                found[key] = (ConflictOfInterest.Type.REGIONAL, "same NUTS-2 region")
            elif rule == Call.RegionalConflictRule.SAME_COUNTRY and countries_of[user_id] & {country, org_country}:
                found[key] = (ConflictOfInterest.Type.REGIONAL, "same country")
    return found


def conflicts_detect(*, call: Call, actor: Any = None) -> dict[str, int]:
    """Record the automatic conflicts of the call, drop those whose cause is gone, and apply new ones
    to existing assignments. Returns counts (added, removed, assignments removed, flagged)."""
    found = detect_pairs(call)
    existing = {(c.evaluator_id, c.application_id): c
                for c in ConflictOfInterest.objects.filter(evaluator__call=call, type__in=AUTOMATIC_TYPES)}
    stale = [c for key, c in existing.items() if found.get(key, ("",))[0] != c.type]
    new_keys = [key for key, (kind, _n) in found.items() if key not in existing or existing[key].type != kind]
    counts = {"added": 0, "removed": 0, "assignments_removed": 0, "flagged": 0}
    with transaction.atomic():
        if stale:
            ConflictOfInterest.objects.filter(pk__in=[c.pk for c in stale]).delete()
        ConflictOfInterest.objects.bulk_create(
            [ConflictOfInterest(evaluator_id=e, application_id=a, type=found[(e, a)][0], note=found[(e, a)][1],
                                recorded_by=None) for e, a in new_keys], ignore_conflicts=True)
        assigned = Assignment.objects.filter(application__call=call).select_related("evaluator", "application",
                                                                                     "application__call")
        by_pair = {(x.evaluator_id, x.application_id): x for x in assigned}
        for key in new_keys:
            assignment = by_pair.get(key)
            if assignment is None:
                continue
            outcome = _drop_assignment(actor=actor, evaluator=assignment.evaluator,
                                       application=assignment.application,
                                       why=f"conflict of interest ({found[key][0]})")
            counts["assignments_removed" if outcome == "removed" else "flagged"] += 1
        counts["added"], counts["removed"] = len(new_keys), len(stale)
        audit_record(action="asis.conflicts.detected", actor=actor, obj=call, organisation_id=call.organisation_id,
                     after={**counts, "rule": call.regional_conflict_rule})
    return counts
