"""What each role's home page shows. Reads only, each section a fixed number of queries whatever
the number of calls, applications or reviews (tests/dashboard/test_dashboard.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from asis.accounts.models import Membership, Organisation, Role, User
from asis.calls.access import applications_of, assignments_of, calls_managed_by, manager_visible
from asis.calls.models import (
    Application,
    Assignment,
    Call,
    ConflictOfInterest,
    DecisionLetter,
    Evaluator,
    FundedProject,
)
from asis.dashboard.models import Notification
from asis.observatory.models import Initiative

# What a complete draft has filled in (the edit page lists exactly what is still missing).
_LOGIC_PARTS = ("problem", "activities", "outputs", "outcomes", "impact", "indicators")
_NEWEST = 5


@dataclass(frozen=True)
class Roles:
    applicant: bool = False
    evaluator: bool = False
    manager: bool = False
    editor: bool = False
    unread: int = 0
    projects: bool = False  # holds or monitors funded projects (the "Projects" link and card)

    @property
    def any(self) -> bool:
        return self.applicant or self.evaluator or self.manager or self.editor


def roles_of(user: Any) -> Roles:
    """The dashboard sections and navigation links a person has, and their unread count: one query."""
    if not user.is_authenticated:
        return Roles()
    row = User.objects.filter(pk=user.pk).annotate(
        has_applications=Exists(Application.objects.filter(Q(applicant=OuterRef("pk"))
                                                           | Q(co_applicants__user=OuterRef("pk")))),
        holds_projects=Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.PROJECT_HOLDER)),
        evaluates=Exists(Evaluator.objects.filter(user=OuterRef("pk")).exclude(status=Evaluator.Status.DECLINED)),
        manages=Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.PROGRAMME_MANAGER)),
        unread=Count("inbox", filter=Q(inbox__read_at__isnull=True)),
        funded=Exists(FundedProject.objects.filter(
            Q(application__applicant=OuterRef("pk")) | Q(application__co_applicants__user=OuterRef("pk"))
            | Q(application__organisation__memberships__user=OuterRef("pk"),
                application__organisation__memberships__role__in=[Role.PROJECT_HOLDER, Role.ORGANISATION_ADMIN]))),
    ).values("has_applications", "holds_projects", "evaluates", "manages", "unread", "funded").first()
    if row is None:
        return Roles()
    return Roles(applicant=row["has_applications"] or row["holds_projects"], evaluator=row["evaluates"],
                 manager=row["manages"] or user.is_platform_admin, editor=user.can_moderate, unread=row["unread"],
                 projects=row["funded"] or row["manages"] or user.is_platform_admin)


def _days_until(day: date | None, today: date) -> int | None:
    return None if day is None else (day - today).days


def _local_day(call: Call, moment: Any) -> date:
    return timezone.localtime(moment, call.tz).date()


def _completeness(application: Application) -> int:
    logic = application.logic_model or {}
    filled = [bool(application.title.strip()), bool(application.summary.strip()), application.region_id is not None,
              application.requested_amount is not None, application.total_cost is not None,
              bool(application.budget_lines)]
    filled += [bool(logic.get(part)) and bool(str(logic.get(part)).strip()) for part in _LOGIC_PARTS]
    return round(100 * sum(filled) / len(filled))


# --- applicants ---------------------------------------------------------------------------------

@dataclass
class ApplicantHome:
    drafts: list[dict[str, Any]]
    submitted: list[dict[str, Any]]
    letters: list[DecisionLetter]
    open_calls: list[dict[str, Any]]


def applicant_home(user: Any, today: date) -> ApplicantHome:
    mine = applications_of(user).select_related("call").order_by("call__closes_at", "reference")
    drafts, submitted = [], []
    for application in mine.exclude(status=Application.Status.WITHDRAWN, submitted_at__isnull=True):
        call = application.call
        if application.status == Application.Status.DRAFT:
            drafts.append({"application": application, "call": call, "completeness": _completeness(application),
                           "days_left": _days_until(_local_day(call, call.closes_at), today),
                           "open": call.accepts_applications})
        else:
            submitted.append({"application": application, "call": call})
    letters = list(DecisionLetter.objects.filter(application__in=applications_of(user).values("pk"))
                   .select_related("application").order_by("-sent_at")[:20])
    now = timezone.now()
    open_calls = [{"call": c, "days_left": _days_until(_local_day(c, c.closes_at), today)}
                  for c in Call.objects.filter(status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
                  .order_by("closes_at")[:_NEWEST]]
    return ApplicantHome(drafts=drafts, submitted=submitted, letters=letters, open_calls=open_calls)


# --- evaluators ---------------------------------------------------------------------------------

@dataclass
class EvaluatorHome:
    invitations: list[Evaluator]
    calls: list[dict[str, Any]]


def evaluator_home(user: Any, today: date) -> EvaluatorHome:
    invitations = list(Evaluator.objects.filter(user=user, status=Evaluator.Status.INVITED)
                       .select_related("call").order_by("call__closes_at"))
    progress = (assignments_of(user).values("application__call")
                .annotate(total=Count("pk", distinct=True),
                          done=Count("pk", filter=Q(review__status="submitted"), distinct=True)))
    by_call = {row["application__call"]: row for row in progress}
    calls = []
    for call in Call.objects.filter(pk__in=by_call).order_by("evaluation_ends_on", "closes_at", "pk"):
        row = by_call[call.pk]
        calls.append({"call": call, "total": row["total"], "done": row["done"],
                      "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
                      "days_left": _days_until(call.evaluation_ends_on, today)})
    return EvaluatorHome(invitations=invitations, calls=calls)


# --- programme managers -------------------------------------------------------------------------

@dataclass
class CallSummary:
    call: Call
    phase: str
    drafts: int = 0
    submitted: int = 0
    eligible: int = 0
    screening: int = 0
    reviewed: int = 0
    decided: int = 0
    unsent: int = 0
    unassigned: int = 0
    committed: Decimal = Decimal("0")
    reviews_total: int = 0
    reviews_done: int = 0
    evaluators_accepted: int = 0
    evaluators_invited: int = 0
    conflicts_declared: int = 0
    days_to_evaluation_end: int | None = None

    @property
    def phase_label(self) -> str:
        return str(Call.Phase(self.phase).label)

    @property
    def committed_percent(self) -> float:
        return float(100 * self.committed / self.call.budget) if self.call.budget else 0.0

    @property
    def reviews_percent(self) -> int:
        return round(100 * self.reviews_done / self.reviews_total) if self.reviews_total else 0

    @property
    def reviews_overdue(self) -> int:
        late = self.days_to_evaluation_end is not None and self.days_to_evaluation_end < 0
        return self.reviews_total - self.reviews_done if late else 0


@dataclass
class ManagerHome:
    calls: list[CallSummary]
    phases: list[tuple[str, str, int]] = field(default_factory=list)  # (phase, label, count)
    funnel: dict[str, int] = field(default_factory=dict)

    @property
    def attention(self) -> list[CallSummary]:
        return [s for s in self.calls if s.reviews_overdue or s.conflicts_declared or s.unassigned or s.unsent
                or s.screening]


def manager_home(user: Any, today: date) -> ManagerHome:
    calls = list(calls_managed_by(user).exclude(status=Call.Status.ARCHIVED).select_related("organisation")
                 .order_by("closes_at", "pk"))
    summaries = {c.pk: CallSummary(call=c, phase=c.phase, days_to_evaluation_end=_days_until(c.evaluation_ends_on, today))
                 for c in calls}
    if summaries:
        _fill_application_counts(summaries)
        _fill_review_counts(summaries)
    phases = [(value, str(label), sum(1 for s in summaries.values() if s.phase == value))
              for value, label in Call.Phase.choices if value != Call.Phase.ARCHIVED]
    funnel = {key: sum(getattr(s, key) for s in summaries.values())
              for key in ("submitted", "eligible", "reviewed", "decided")}
    return ManagerHome(calls=list(summaries.values()), phases=[p for p in phases if p[2]], funnel=funnel)


def _fill_application_counts(summaries: dict[int, CallSummary]) -> None:
    submitted = Q(status=Application.Status.SUBMITTED)
    eligible = submitted & Q(eligibility=Application.Eligibility.ELIGIBLE)
    decided = submitted & ~Q(decision=Application.Decision.NONE)
    has_letter = Exists(DecisionLetter.objects.filter(application=OuterRef("pk")))
    rows = (Application.objects.filter(call__in=list(summaries)).annotate(lettered=has_letter)
            .values("call").annotate(
                drafts=Count("pk", filter=Q(status=Application.Status.DRAFT)),
                submitted=Count("pk", filter=submitted),
                eligible=Count("pk", filter=eligible),
                screening=Count("pk", filter=submitted & Q(eligibility=Application.Eligibility.PENDING)),
                decided=Count("pk", filter=decided),
                unsent=Count("pk", filter=decided & Q(lettered=False)),
                committed=Sum("granted_amount", filter=submitted & Q(decision=Application.Decision.APPROVED))))
    for row in rows:
        summary = summaries[row["call"]]
        for key in ("drafts", "submitted", "eligible", "screening", "decided", "unsent"):
            setattr(summary, key, row[key])
        summary.committed = row["committed"] or Decimal("0")
    # One row per eligible application (not per call: an aggregate over aggregates is not portable).
    per_application = (Application.objects.filter(manager_visible(shared_drafts=False), call__in=list(summaries),
                                                  status=Application.Status.SUBMITTED)
                       .exclude(eligibility=Application.Eligibility.INELIGIBLE)
                       .values("call", "eligibility")
                       .annotate(assigned=Count("assignments", distinct=True),
                                 done=Count("assignments", filter=Q(assignments__review__status="submitted"),
                                            distinct=True)))
    for row in per_application.values("pk", "call", "eligibility", "assigned", "done"):
        summary = summaries[row["call"]]
        if row["assigned"] == 0 and row["eligibility"] == Application.Eligibility.ELIGIBLE:
            summary.unassigned += 1
        elif row["assigned"] and row["done"] == row["assigned"]:
            summary.reviewed += 1


def _fill_review_counts(summaries: dict[int, CallSummary]) -> None:
    reviews = (Assignment.objects.filter(application__call__in=list(summaries),
                                         application__status=Application.Status.SUBMITTED)
               .values("application__call")
               .annotate(total=Count("pk", distinct=True),
                         done=Count("pk", filter=Q(review__status="submitted"), distinct=True)))
    for row in reviews:
        summary = summaries[row["application__call"]]
        summary.reviews_total, summary.reviews_done = row["total"], row["done"]
    evaluators = (Evaluator.objects.filter(call__in=list(summaries)).values("call")
                  .annotate(accepted=Count("pk", filter=Q(status=Evaluator.Status.ACCEPTED)),
                            invited=Count("pk", filter=Q(status=Evaluator.Status.INVITED))))
    for row in evaluators:
        summaries[row["call"]].evaluators_accepted = row["accepted"]
        summaries[row["call"]].evaluators_invited = row["invited"]
    conflicts = (ConflictOfInterest.objects.filter(application__call__in=list(summaries),
                                                   type=ConflictOfInterest.Type.DECLARED)
                 .values("application__call").annotate(n=Count("pk")))
    for row in conflicts:
        summaries[row["application__call"]].conflicts_declared = row["n"]


# --- editors ------------------------------------------------------------------------------------

@dataclass
class EditorHome:
    initiatives_count: int
    organisations_count: int
    initiatives: list[Initiative]
    organisations: list[Organisation]


def editor_home() -> EditorHome:
    initiatives = Initiative.objects.filter(status=Initiative.Status.SUBMITTED)
    organisations = Organisation.objects.filter(status=Organisation.Status.SUBMITTED)
    return EditorHome(
        initiatives_count=initiatives.count(), organisations_count=organisations.count(),
        initiatives=list(initiatives.only("pk", "title", "updated_at").order_by("-updated_at", "-pk")[:_NEWEST]),
        organisations=list(organisations.only("pk", "name", "created_at").order_by("-created_at", "-pk")[:_NEWEST]))


def latest_notifications(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:_NEWEST])

