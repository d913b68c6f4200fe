"""Building and publishing calls: services (writes) and selectors (reads) of the call builder.

Every service is keyword-only, validates everything before it writes, runs in one transaction
and leaves exactly one audit entry. A call's configuration may change freely while it is a draft;
once published but not yet open every change writes a new :class:`CallVersion` (what applicants
saw when); once open (``Call.is_frozen``) only the translations of its title and description
may still change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.accounts.access import organisations_for
from asis.accounts.models import Organisation, Role
from asis.calls.access import public_calls
from asis.calls.builder.grid_edit import percent_weights
from asis.calls.models import Application, Call, CallVersion, Evaluator, Review
from asis.core.audit import audit_record
from asis.engines.errors import InvalidInputError
from asis.engines.grids import Grid, builtin_names, load_builtin
from asis.observatory.models import Challenge
from asis.regions.models import COUNTRIES, Region

# Fields that only describe the call (not its configuration) or that bookkeeping sets.
SNAPSHOT_EXCLUDE = ("id", "eligible_regions", "challenges", "created_by", "created_at", "updated_at")
# What call_update may change (status, version and dates of publication have their own services).
EDITABLE_FIELDS = frozenset({
    "title", "description", "original_language", "budget", "min_grant", "max_grant", "cofunding_rate",
    "applicant_types", "timezone", "opens_at", "closes_at", "evaluation_ends_on", "decision_on",
    "grid_template", "grid", "eligibility_checklist", "custom_questions", "evaluators_per_application",
    "aggregation", "calibration", "ranking_methods", "primary_method", "portfolio_constraints", "blind",
    "hide_scores_until_submitted", "regional_conflict_rule", "smaa_draws", "funding_rule",
})
QUESTION_KINDS = ("text", "long_text", "number", "yes_no", "choice")
GROUP_DIMENSIONS = ("region", "country", "challenge")


# --- grid templates -------------------------------------------------------------------------------

def grid_template_names() -> list[str]:
    """Builtin grids, the ASIS grid first."""
    names = list(builtin_names())
    return sorted(names, key=lambda name: (name != "asis", name))


def grid_templates() -> list[tuple[str, Grid]]:
    return [(name, load_builtin(name)) for name in grid_template_names()]


def grid_from_template(name: str) -> dict[str, Any]:
    if name not in grid_template_names():
        raise ValidationError({"grid_template": _("Unknown grid template.")})
    # the builder shows weights as percentages that total 100, whatever scale the template used
    return percent_weights(load_builtin(name).to_dict())


def grid_with_settings(grid: Mapping[str, Any], *, weights: Mapping[str, float],
                       thresholds: Mapping[str, float | None]) -> dict[str, Any]:
    """A copy of ``grid`` with new weights and knock-out thresholds per criterion id, validated."""
    data = json.loads(json.dumps(grid))
    errors: dict[str, list[str]] = {}
    criteria = data.get("criteria") or []
    scales = {s.get("id"): s for s in data.get("scales") or []}
    for criterion in criteria:
        cid = criterion.get("id")
        if cid in weights:
            weight = weights[cid]
            if weight is None or weight < 0:
                errors.setdefault(f"weight__{cid}", []).append(_("A weight must be zero or more."))
            else:
                criterion["weight"] = float(weight)
        if cid in thresholds:
            threshold = thresholds[cid]
            scale = scales.get(criterion.get("scale"), {})
            if threshold is not None and not (scale.get("min", 0) <= threshold <= scale.get("max", 0)):
                errors.setdefault(f"threshold__{cid}", []).append(
                    _("The threshold must lie on the scale (%(min)s to %(max)s).")
                    % {"min": scale.get("min"), "max": scale.get("max")})
            else:
                criterion["threshold"] = None if threshold is None else float(threshold)
    if [c.get("weight") for c in criteria] != [c.get("weight") for c in grid.get("criteria") or []]:
        data.pop("weighting", None)  # weights typed in by hand no longer come from the AHP comparisons
    if not errors and criteria and sum(float(c.get("weight") or 0) for c in criteria) <= 0:
        errors["__all__"] = [_("The weights must not all be zero.")]
    if errors:
        raise ValidationError(errors)
    grid_validate(data)
    return data


def grid_validate(grid: Mapping[str, Any]) -> Grid:
    """The engine's Grid, or a ValidationError on ``grid`` naming the engine's field."""
    try:
        return Grid.from_dict(grid)
    except InvalidInputError as exc:
        raise ValidationError({"grid": _("The criteria grid is not valid: %(detail)s") % {"detail": str(exc)}}) \
            from exc


# --- validation of the JSON configuration ---------------------------------------------------------

def _validate_checklist(items: Any) -> None:
    if not isinstance(items, list):
        raise ValidationError({"eligibility_checklist": _("The checklist must be a list.")})
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not str(item.get("id", "")).strip() or not str(item.get("text", "")).strip():
            raise ValidationError({"eligibility_checklist": _("Every checklist item needs a text.")})
        if item["id"] in seen:
            raise ValidationError({"eligibility_checklist": _("Two checklist items have the same id.")})
        seen.add(item["id"])


def _validate_questions(questions: Any) -> None:
    if not isinstance(questions, list):
        raise ValidationError({"custom_questions": _("The questions must be a list.")})
    seen: set[str] = set()
    for q in questions:
        if not isinstance(q, dict) or not str(q.get("id", "")).strip() or not str(q.get("label", "")).strip():
            raise ValidationError({"custom_questions": _("Every question needs a label.")})
        if q.get("kind") not in QUESTION_KINDS:
            raise ValidationError({"custom_questions": _("Unknown kind of question.")})
        if q["kind"] == "choice" and len([c for c in q.get("choices") or [] if str(c).strip()]) < 2:
            raise ValidationError({"custom_questions": _("A choice question needs at least two choices.")})
        if q["id"] in seen:
            raise ValidationError({"custom_questions": _("Two questions have the same id.")})
        seen.add(q["id"])


def group_codes(dimension: str) -> set[str]:
    if dimension == "region":
        return set(Region.objects.values_list("code", flat=True))
    if dimension == "country":
        return {code for code, _label in COUNTRIES}
    if dimension == "challenge":
        return set(Challenge.objects.values_list("code", flat=True))
    return set()


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _validate_portfolio(constraints: Any) -> None:
    field = "portfolio_constraints"
    if not isinstance(constraints, dict):
        raise ValidationError({field: _("The portfolio constraints must be an object.")})
    min_score = constraints.get("min_score")
    if not _number_or_none(min_score) or (min_score is not None and not 0 <= min_score <= 100):
        raise ValidationError({field: _("The minimum score must lie between 0 and 100.")})
    fraction = constraints.get("min_fraction", 1.0)
    if not _number_or_none(fraction) or (fraction is not None and not 0 < fraction <= 1):
        raise ValidationError({field: _("The minimum funded fraction must lie above 0 and at most 1.")})
    groups = constraints.get("groups") or []
    if not isinstance(groups, list):
        raise ValidationError({field: _("The groups must be a list.")})
    codes: dict[str, set[str]] = {}
    for group in groups:
        dimension = group.get("dimension") if isinstance(group, dict) else None
        if dimension not in GROUP_DIMENSIONS:
            raise ValidationError({field: _("Unknown group dimension.")})
        if dimension not in codes:
            codes[dimension] = group_codes(dimension)
        if group.get("group") not in codes[dimension]:
            raise ValidationError({field: _("Unknown group %(code)s.") % {"code": group.get("group")}})
        for low, high in (("min_count", "max_count"), ("min_share", "max_share")):
            lo, hi = group.get(low), group.get(high)
            if not _number_or_none(lo) or not _number_or_none(hi):
                raise ValidationError({field: _("Group limits must be numbers.")})
            if (lo is not None and lo < 0) or (hi is not None and hi < 0):
                raise ValidationError({field: _("Group limits must not be negative.")})
            if lo is not None and hi is not None and lo > hi:
                raise ValidationError({field: _("A group's minimum exceeds its maximum.")})
        for share in ("min_share", "max_share"):
            if group.get(share) is not None and group[share] > 1:
                raise ValidationError({field: _("Shares lie between 0 and 1.")})


def call_validate(call: Call) -> None:
    """Model rules plus the JSON configuration (grid, checklist, questions, methods, portfolio)."""
    call.full_clean()
    if call.grid:
        grid_validate(call.grid)
    _validate_checklist(call.eligibility_checklist)
    _validate_questions(call.custom_questions)
    methods = call.ranking_methods or []
    if not isinstance(methods, list) or any(m not in Call.RankingMethod.values for m in methods):
        raise ValidationError({"ranking_methods": _("Unknown ranking method.")})
    if methods and call.primary_method not in methods:
        raise ValidationError({"primary_method": _("The primary method must be one of the ranking methods.")})
    _validate_portfolio(call.portfolio_constraints or {})


# --- snapshots ------------------------------------------------------------------------------------

def call_snapshot(call: Call) -> dict[str, Any]:
    """The call's full configuration as plain JSON (what a CallVersion stores)."""
    data = model_to_dict(call, exclude=SNAPSHOT_EXCLUDE)
    data["organisation"] = call.organisation_id
    data["eligible_regions"] = sorted(call.eligible_regions.values_list("code", flat=True)) if call.pk else []
    data["challenges"] = sorted(call.challenges.values_list("code", flat=True)) if call.pk else []
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, old, new) for each top-level key that differs."""
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Leaves of nested JSON by path; lists of objects with an ``id`` are keyed by that id, so a
    changed weight reads ``grid.criteria[newness].weight`` rather than the whole grid."""
    if isinstance(value, dict) and value:
        for key in value:
            _flatten(value[key], f"{path}.{key}" if path else str(key), out)
    elif (isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value)
          and len({str(v["id"]) for v in value}) == len(value)):
        for item in value:
            _flatten({k: v for k, v in item.items() if k != "id"}, f"{path}[{item['id']}]", out)
    else:
        out[path] = value


def snapshot_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every leaf that differs between two snapshots (None where absent)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(dict(before), "", old)
    _flatten(dict(after), "", new)
    return [(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def _write_version(*, call: Call, actor: Any, note: str) -> CallVersion:
    return CallVersion.objects.create(call=call, number=call.version, snapshot=call_snapshot(call), note=note[:300],
                                      created_by=actor if getattr(actor, "is_authenticated", False) else None)


def _needs_version(call: Call) -> bool:
    return call.status == Call.Status.PUBLISHED and not call.is_frozen


# --- services -------------------------------------------------------------------------------------

def managed_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose calls ``user`` may create (programme manager; all for platform admins)."""
    return organisations_for(user, [Role.PROGRAMME_MANAGER]).order_by("name")


@transaction.atomic
def call_create(*, actor: Any, organisation: Organisation, grid_template: str = "asis",
                regions: Iterable[Region] | None = None, challenges: Iterable[Challenge] | None = None,
                **fields: Any) -> Call:
    """A new draft call of ``organisation``, its grid copied from ``grid_template``."""
    if not managed_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You do not manage calls of this organisation."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    call = Call(organisation=organisation, status=Call.Status.DRAFT, version=0, grid_template=grid_template,
                created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    if "grid" not in fields:
        call.grid = grid_from_template(grid_template)
    if "ranking_methods" not in fields:
        call.ranking_methods = [Call.RankingMethod.WEIGHTED_SUM.value]
    if "portfolio_constraints" not in fields:
        call.portfolio_constraints = {"min_score": None, "allow_partial": False, "min_fraction": 1.0, "groups": []}
    call_validate(call)
    call.save()
    if regions is not None:
        call.eligible_regions.set(list(regions))
    if challenges is not None:
        call.challenges.set(list(challenges))
    call.refresh_from_db()
    audit_record(action="asis.call.created", actor=actor, obj=call, organisation_id=organisation.pk,
                 after=call_snapshot(call))
    return call


@transaction.atomic
def call_update(*, actor: Any, call: Call, regions: Iterable[Region] | None = None,
                challenges: Iterable[Challenge] | None = None, note: str = "", **fields: Any) -> Call:
    """Change a call's configuration; refused once the call is open (frozen)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.is_frozen:
        raise ValidationError(_("This call is open: its configuration is frozen. Only the translations of its "
                                "title and description may still change."))
    if call.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        raise ValidationError(_("This call can no longer be changed."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = call_snapshot(call)
    for name, value in fields.items():
        setattr(call, name, value)
    if call.status == Call.Status.PUBLISHED and call.opens_at <= timezone.now():
        raise ValidationError({"opens_at": _("A published call cannot be moved to open in the past.")})
    call_validate(call)
    call.save()
    if regions is not None:
        call.eligible_regions.set(list(regions))
    if challenges is not None:
        call.challenges.set(list(challenges))
    call.refresh_from_db()  # values as stored (decimal places, dates), so the snapshots compare
    after = call_snapshot(call)
    changed = [key for key, _old, _new in snapshot_diff(before, after)]
    if not changed:
        return call
    if _needs_version(call):
        call.version += 1
        Call.objects.filter(pk=call.pk).update(version=call.version)
        _write_version(call=call, actor=actor, note=note or _("Changed after publication"))
    audit_record(action="asis.call.changed", actor=actor, obj=call, organisation_id=call.organisation_id,
                 before={k: before.get(k) for k in changed}, after={k: after.get(k) for k in changed})
    return call


@transaction.atomic
def call_translation_save(*, actor: Any, call: Call, language: str, title: str, description: str) -> Call:
    """Save the title and description in ``language`` (not the original language); allowed in every phase."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if language not in settings.LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language.")})
    if language == call.original_language:
        raise ValidationError({"language": _("Change the original texts in the texts section instead.")})
    if len(title) > 200:
        raise ValidationError({"title": _("The title has at most 200 characters.")})
    before = call.translations.get(language, {})
    call.set_translation(language, "title", title.strip())
    call.set_translation(language, "description", description.strip())
    after = call.translations.get(language, {})
    if before == after:
        return call
    call.save(update_fields=["translations", "updated_at"])
    if _needs_version(call):
        call.version += 1
        Call.objects.filter(pk=call.pk).update(version=call.version)
        _write_version(call=call, actor=actor, note=_("Translation changed"))
    audit_record(action="asis.call.translated", actor=actor, obj=call, organisation_id=call.organisation_id,
                 before={language: before}, after={language: after})
    return call


def publication_problems(call: Call, now: Any = None) -> list[str]:
    """What keeps ``call`` from being published (empty when it is complete)."""
    now = now or timezone.now()
    problems: list[str] = []
    if call.status != Call.Status.DRAFT:
        problems.append(_("Only a draft can be published."))
    if not call.grid:
        problems.append(_("The call has no criteria grid."))
    else:
        try:
            grid_validate(call.grid)
        except ValidationError:
            problems.append(_("The criteria grid is not valid."))
    if not call.eligibility_checklist:
        problems.append(_("The eligibility checklist is empty."))
    if call.budget is None or call.max_grant is None or call.budget < call.max_grant:
        problems.append(_("The budget must be at least the maximum grant."))
    if call.opens_at is None or call.opens_at < now.replace(second=0, microsecond=0):
        problems.append(_("The opening must be now or in the future."))
    if not call.title.strip():
        problems.append(_("The call has no title."))
    return problems


@transaction.atomic
def call_publish(*, actor: Any, call: Call) -> Call:
    """Publish a complete draft: version + 1 with a snapshot of the whole configuration."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    problems = publication_problems(call)
    if problems:
        raise ValidationError(problems)
    call_validate(call)
    call.status = Call.Status.PUBLISHED
    call.published_at = timezone.now()
    call.version += 1
    call.save(update_fields=["status", "published_at", "version", "updated_at"])
    version = _write_version(call=call, actor=actor, note=_("Published"))
    audit_record(action="asis.call.published", actor=actor, obj=call, organisation_id=call.organisation_id,
                 before={"status": Call.Status.DRAFT}, after={"status": call.status, "version": version.number,
                                                              "published_at": call.published_at})
    return call


# --- selectors ------------------------------------------------------------------------------------

def manager_call_list(user: Any) -> QuerySet[Call]:
    from asis.calls.access import calls_managed_by

    return (calls_managed_by(user).select_related("organisation")
            .annotate(application_count=Count("applications", filter=~Q(applications__status="draft")))
            .order_by("-opens_at", "pk"))


def public_call_list(*, state: str = "", country: str = "", now: Any = None) -> QuerySet[Call]:
    """Published calls; ``state`` one of open, upcoming, closed; ``country``: open to applicants there."""
    now = now or timezone.now()
    calls = public_calls().exclude(status=Call.Status.ARCHIVED).select_related("organisation")
    published = Q(status=Call.Status.PUBLISHED)
    if state == "open":
        calls = calls.filter(published, opens_at__lte=now, closes_at__gt=now)
    elif state == "upcoming":
        calls = calls.filter(published, opens_at__gt=now)
    elif state == "closed":
        calls = calls.filter(Q(published, closes_at__lte=now) | Q(status=Call.Status.RESULTS))
    if country:
        regions = Call.eligible_regions.through.objects.filter(call_id=OuterRef("pk"))
        calls = calls.filter(Exists(regions.filter(region__country=country)) | ~Exists(regions))
    return calls.order_by("closes_at", "pk")


def call_dashboard(call: Call) -> dict[str, Any]:
    """Counts the manager's dashboard shows."""
    apps = Application.objects.filter(call=call)
    by_status = dict(apps.values_list("status").annotate(n=Count("pk")).order_by())
    by_eligibility = dict(apps.filter(status=Application.Status.SUBMITTED)
                          .values_list("eligibility").annotate(n=Count("pk")).order_by())
    by_decision = dict(apps.filter(status=Application.Status.SUBMITTED).exclude(decision="")
                       .values_list("decision").annotate(n=Count("pk")).order_by())
    evaluators = dict(Evaluator.objects.filter(call=call).values_list("status").annotate(n=Count("pk")).order_by())
    reviews = dict(Review.objects.filter(assignment__application__call=call)
                   .values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "applications": [(label, by_status.get(value, 0)) for value, label in Application.Status.choices],
        "eligibility": [(label, by_eligibility.get(value, 0)) for value, label in Application.Eligibility.choices],
        "decisions": [(label, by_decision.get(value, 0)) for value, label in Application.Decision.choices if value],
        "evaluators": [(label, evaluators.get(value, 0)) for value, label in Evaluator.Status.choices],
        "reviews": [(label, reviews.get(value, 0)) for value, label in Review.Status.choices],
        "versions": call.versions.count(),
        "drafts": by_status.get(Application.Status.DRAFT, 0),
    }
