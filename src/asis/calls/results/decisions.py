"""Funding decisions: record them (one by one or prefilled from the optimal portfolio), send the
letters, and turn approved applications into funded projects and observatory initiatives.

Rules checked before anything is written (all-or-nothing):
- an approved application gets a granted amount, by default its requested amount, at most the
  call's maximum grant and at most what it requested, at least the minimum grant;
- the approved amounts of the whole call stay within its budget;
- a decision whose letter was sent is final.

The reason of a decision (``Application.decision_reason``) is written into the letter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.calls.models import Application, Call, DecisionLetter, FundedProject, ResultSet
from asis.calls.notifications import notify
from asis.calls.pdf import render_pdf
from asis.calls.results import letters
from asis.core.audit import audit_record

CENT = Decimal("0.01")
SEND_JOB_KIND = "calls.decisions_send"


@dataclass(frozen=True)
class DecisionInput:
    application_id: int
    outcome: str
    amount: Decimal | None = None
    reason: str = ""


def undecided_message(count: int) -> str:
    return ngettext("%(count)s application has no decision yet.", "%(count)s applications have no decision yet.",
                    count) % {"count": count}


def decision_reason(application: Application) -> str:
    return application.decision_reason


def decidable_applications(call: Call) -> Any:
    """Every submitted application of the call (eligible or not): each one receives a decision."""
    return (Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
            .select_related("applicant", "organisation", "region").order_by("reference"))


def sent_ids(call: Call) -> set[int]:
    return set(DecisionLetter.objects.filter(application__call=call).values_list("application_id", flat=True))


def _validate(call: Call, items: Sequence[DecisionInput], apps: dict[int, Application],
              locked: set[int]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    approved_total = Decimal("0")
    seen = set()
    for item in items:
        key = f"app-{item.application_id}"
        app = apps.get(item.application_id)
        if app is None:
            add("__all__", _("Unknown application %(id)s.") % {"id": item.application_id})
            continue
        seen.add(app.pk)
        if item.outcome not in (*letters.OUTCOMES, ""):
            add(key, _("Choose approve, reject or waiting list."))
            continue
        if app.pk in locked and (item.outcome != app.decision or (item.amount is not None and item.outcome ==
                                                                   Application.Decision.APPROVED and
                                                                   item.amount != app.granted_amount)):
            add(key, _("The letter of %(reference)s was sent: its decision is final.") % {"reference": app.reference})
            continue
        if item.outcome == Application.Decision.APPROVED:
            amount = item.amount if item.amount is not None else app.requested_amount
            if amount is None:
                add(key, _("Enter the granted amount."))
                continue
            if amount <= 0:
                add(key, _("The granted amount must be above zero."))
            if amount > call.max_grant:
                add(key, _("The granted amount is above the call's maximum grant (%(max)s EUR).")
                    % {"max": call.max_grant})
            if amount < call.min_grant:
                add(key, _("The granted amount is below the call's minimum grant (%(min)s EUR).")
                    % {"min": call.min_grant})
            if app.requested_amount is not None and amount > app.requested_amount:
                add(key, _("The granted amount is above the requested amount (%(requested)s EUR).")
                    % {"requested": app.requested_amount})
            approved_total += amount
    others = (Application.objects.filter(call=call, status=Application.Status.SUBMITTED,
                                         decision=Application.Decision.APPROVED)
              .exclude(pk__in=seen).aggregate(total=Sum("granted_amount"))["total"] or Decimal("0"))
    if approved_total + others > call.budget:
        add("__all__", _("The approved amounts (%(total)s EUR) exceed the call's budget (%(budget)s EUR).")
            % {"total": approved_total + others, "budget": call.budget})
    return errors


def decisions_record(*, actor: Any, call: Call, items: Sequence[DecisionInput]) -> int:
    """Record several decisions at once; raises ``ValidationError`` (nothing saved) on any error.

    Returns how many applications changed; each change is one ``asis.decision.recorded`` entry.
    """
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        apps = {a.pk: a for a in decidable_applications(call).filter(pk__in=[i.application_id for i in items])}
        errors = _validate(call, items, apps, sent_ids(call))
        if errors:
            raise ValidationError(errors)
        changed = 0
        for item in items:
            app = apps[item.application_id]
            amount = None
            if item.outcome == Application.Decision.APPROVED:
                amount = (item.amount if item.amount is not None else app.requested_amount).quantize(CENT)
            reason = item.reason.strip()
            before = {"decision": app.decision, "granted_amount": app.granted_amount,
                      "reason": decision_reason(app)}
            after = {"decision": item.outcome, "granted_amount": amount, "reason": reason}
            if before == after:
                continue
            app.decision, app.granted_amount, app.decision_reason = item.outcome, amount, reason
            app.save(update_fields=["decision", "granted_amount", "decision_reason", "updated_at"])
            audit_record(action="asis.decision.recorded", actor=actor, obj=app, before=before, after=after,
                         organisation_id=call.organisation_id)
            changed += 1
    return changed


def decision_record(*, actor: Any, application: Application, outcome: str, amount: Decimal | None = None,
                    reason: str = "") -> int:
    """Record the decision on one application (same rules as :func:`decisions_record`)."""
    return decisions_record(actor=actor, call=application.call,
                            items=[DecisionInput(application.pk, outcome, amount, reason)])


def prefill_items(call: Call, result: ResultSet, *, rest: str = Application.Decision.REJECTED) -> list[DecisionInput]:
    """Decisions proposed by the optimal portfolio of ``result``: selected -> approved (the funded
    fraction of the requested amount, capped at the maximum grant), the others -> ``rest``,
    knocked-out or ineligible applications -> rejected. Applications whose letter was sent are left out."""
    rows = {r["id"]: r for r in result.data.get("applications", [])}
    ranked = sum(1 for r in rows.values() if r["eligible"])
    locked = sent_ids(call)
    items = []
    for app in decidable_applications(call):
        if app.pk in locked:
            continue
        row = rows.get(app.pk)
        if row is None or not row["eligible"]:
            reason = (_("The application did not reach the minimum score on: %(criteria)s.")
                      % {"criteria": ", ".join(k.split(" ")[0] for k in row["knock_outs"])}
                      if row and row["knock_outs"] else _("The application did not meet the eligibility criteria."))
            items.append(DecisionInput(app.pk, Application.Decision.REJECTED, None, reason))
        elif row["selected"]:
            requested = app.requested_amount or Decimal("0")
            amount = min((requested * Decimal(str(row["fraction"] or 1))).quantize(CENT, ROUND_HALF_UP),
                         call.max_grant)
            items.append(DecisionInput(app.pk, Application.Decision.APPROVED, amount, ""))
        else:
            items.append(DecisionInput(app.pk, rest, None, _(
                "Your application ranked %(rank)s of %(count)s; the budget was used by higher-ranked applications.")
                % {"rank": row["rank"], "count": ranked}))
    return items


def decisions_prefill(*, actor: Any, call: Call, result: ResultSet,
                      rest: str = Application.Decision.REJECTED) -> int:
    return decisions_record(actor=actor, call=call, items=prefill_items(call, result, rest=rest))


# --- sending ----------------------------------------------------------------------------------

def undecided_count(call: Call) -> int:
    return decidable_applications(call).filter(decision=Application.Decision.NONE).count()


def decisions_send(*, actor: Any, call: Call,
                   report: Callable[[float, str], None] | None = None) -> int:
    """Send a letter for every decided application that has none yet; idempotent.

    In one transaction: the letters (in each applicant's language), the funded projects and
    initiatives of approved applications, the call's status RESULTS and the audit entries. The
    e-mails (with the letter as PDF) go out after the commit, so a failure leaves nothing half-done.
    """
    report = report or (lambda fraction, message="": None)
    undecided = undecided_count(call)
    if undecided:
        raise ValidationError(undecided_message(undecided))
    outgoing: list[tuple[DecisionLetter, bytes]] = []
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        done = sent_ids(call)
        templates = letters.templates_of(call)
        pending = [a for a in decidable_applications(call).prefetch_related("challenges", "partners__organisation")
                   if a.pk not in done]
        for n, app in enumerate(pending, start=1):
            text = letters.letter_for(app, reason=decision_reason(app), templates=templates)
            letter = DecisionLetter.objects.create(application=app, outcome=app.decision, language=text.language,
                                                   subject=text.subject, body=text.body,
                                                   sent_by=actor if getattr(actor, "is_authenticated", False)
                                                   else None)
            if app.decision == Application.Decision.APPROVED:
                funded_project_create(actor=actor, application=app)
            audit_record(action="asis.decision.sent", actor=actor, obj=app,
                         after={"letter": letter.pk, "outcome": letter.outcome, "language": letter.language},
                         organisation_id=call.organisation_id)
            outgoing.append((letter, letter_pdf(letter)))
            report(0.8 * n / max(len(pending), 1), _("Letters written"))
        if call.status != Call.Status.RESULTS:
            before = {"status": call.status}
            call.status = Call.Status.RESULTS
            call.save(update_fields=["status", "updated_at"])
            audit_record(action="asis.call.results_published", actor=actor, obj=call, before=before,
                         after={"status": call.status, "letters": len(pending)},
                         organisation_id=call.organisation_id)
    for n, (letter, pdf) in enumerate(outgoing, start=1):
        app = letter.application
        notify(kind="decision_letter", user=app.applicant, language=letter.language, call=call, application=app,
               context={"letter": letter}, attachments=[(f"decision-{app.reference}.pdf", pdf, "application/pdf")])
        report(0.8 + 0.2 * n / len(outgoing), _("E-mails sent"))
    return len(outgoing)


def letter_pdf(letter: DecisionLetter) -> bytes:
    app = letter.application
    return render_pdf("calls/results/letter_pdf.html", {"letter": letter, "application": app, "call": app.call},
                      language=letter.language)


# --- funded projects -----------------------------------------------------------------------------

def funded_project_create(*, actor: Any, application: Application) -> FundedProject:
    """A FundedProject (indicators from the logic model) and a published observatory Initiative."""
    from asis.observatory.models import Initiative, InitiativeOrganisation
    from asis.observatory.services import initiative_save

    existing = FundedProject.objects.filter(application=application).first()
    if existing is not None:
        return existing
    indicators = [{"name": str(i.get("name", "")), "unit": str(i.get("unit", "")), "baseline": i.get("baseline"),
                   "target": i.get("target"), "values": []}
                  for i in (application.logic_model or {}).get("indicators") or [] if isinstance(i, dict)]
    project = FundedProject.objects.create(application=application, grant=application.granted_amount or 0,
                                           indicators=indicators)
    if application.initiative_id is None and application.region_id is not None:
        logic = application.logic_model or {}
        initiative = Initiative(
            title=application.title[:200], summary=(application.summary or application.title)[:500],
            description=application.summary or "", original_language=application.original_language,
            stage=Initiative.Stage.IMPLEMENTATION, budget_eur=application.total_cost or application.granted_amount,
            funding_sources=application.call.title[:500], pillar_need=str(logic.get("problem", "")),
            pillar_impact=str(logic.get("impact", "")), status=Initiative.Status.PUBLISHED,
            published_at=timezone.now(), start_date=timezone.localdate())
        organisations = [(application.organisation, InitiativeOrganisation.Role.LEAD),
                         (application.call.organisation, InitiativeOrganisation.Role.FUNDER)]
        organisations += [(p.organisation, InitiativeOrganisation.Role.PARTNER)
                          for p in application.partners.all() if p.organisation_id != application.organisation_id]
        initiative = initiative_save(actor=actor, initiative=initiative, organisations=organisations,
                                     regions=[application.region], challenges=list(application.challenges.all()),
                                     note=f"Funded by call #{application.call_id}",
                                     action="asis.initiative.created_from_application")
        application.initiative = initiative
        application.save(update_fields=["initiative", "updated_at"])
    audit_record(action="asis.project.funded", actor=actor, obj=application,
                 after={"project": project.pk, "grant": project.grant, "initiative": application.initiative_id},
                 organisation_id=application.call.organisation_id)
    return project
