"""Funding decisions: record them (one by one or prefilled from the optimal portfolio), send the
letters, and turn approved applications into funded projects and observatory initiatives.

Rules checked before anything is written (all-or-nothing):
- an approved application gets a granted amount, by default its requested amount, at most the
  call's maximum grant and at most what it requested, at least the minimum grant;
- the approved amounts of the whole call stay within its budget;
- a decision whose letter was sent is final.

The reason in a letter is generated when the letter is sent: :func:`decision_facts` derives the
facts of every decision from the decisions taken, the ranking and the call's funding rule
(:mod:`asis.calls.results.rules`), stores them on the application (``decision_facts``) and
:mod:`asis.calls.results.reasons` writes them in the applicant's language; the managers' own note
(``Application.decision_reason``) follows it as written. Funding a lower-ranked application over a
higher-ranked one needs a recorded justification (:func:`decisions_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
from asis.calls.results import letters, reasons, rules
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


def _latest_result(call: Call) -> ResultSet | None:
    return ResultSet.objects.filter(call=call).order_by("-created_at", "-pk").first()


def min_score_of(call: Call) -> float | None:
    value = (call.portfolio_constraints or {}).get("min_score")
    return None if value in (None, "") else float(value)


def candidates(call: Call, result: ResultSet | None = None) -> list[rules.Candidate]:
    """Every submitted application of the call as the funding rules see it (ranked by ``result``,
    by default the latest one)."""
    result = result if result is not None else _latest_result(call)
    rows = result.data.get("applications", []) if result is not None else []
    return rules.candidates_from(rows, decidable_applications(call))


def proposal(call: Call, cands: Sequence[rules.Candidate]) -> dict[int, Decimal]:
    """The applications the call's funding rule funds, and their amounts."""
    return rules.propose(call.funding_rule, cands, budget=call.budget, max_grant=call.max_grant,
                         min_score=min_score_of(call))


def decision_facts(call: Call, cands: Sequence[rules.Candidate],
                   funded: dict[int, Decimal]) -> dict[int, dict[str, Any]]:
    return rules.explain(call.funding_rule, cands, funded, budget=call.budget, max_grant=call.max_grant,
                         min_score=min_score_of(call))


def funded_now(call: Call) -> dict[int, Decimal]:
    return {pk: amount or Decimal("0") for pk, amount in decidable_applications(call).filter(
        decision=Application.Decision.APPROVED).values_list("pk", "granted_amount")}


def explain_inversions(call: Call, cands: Sequence[rules.Candidate], funded: dict[int, Decimal]) -> list[str]:
    """Plain sentences (active language) for each higher-ranked application left out while a
    lower-ranked one is funded; empty when the funding follows the ranking."""
    found = rules.inversions(cands, funded)
    if not found:
        return []
    return reasons.inversion_sentences(found, decision_facts(call, cands, funded), call)


def _inversion_sets(cands: Sequence[rules.Candidate], funded: dict[int, Decimal]) -> tuple[set[int], set[int]]:
    found = rules.inversions(cands, funded)
    return {i.funded.id for i in found}, {i.passed_over.id for i in found}


def justification_needed(call: Call, cands: Sequence[rules.Candidate], funded: dict[int, Decimal]) -> bool:
    """True when ``funded`` passes over higher-ranked applications in a way no recorded
    justification covers yet."""
    funded_over, passed_over = _inversion_sets(cands, funded)
    covered = call.decision_justification or {}
    return not (funded_over <= set(covered.get("funded_over", [])) and
                passed_over <= set(covered.get("passed_over", [])))


JUSTIFICATION_MAX = 4000


def _justify(*, actor: Any, call: Call, cands: Sequence[rules.Candidate], funded: dict[int, Decimal],
             justification: str) -> None:
    """Record (and audit) the justification of the decisions when they need one; raises
    ``ValidationError`` on the ``justification`` key when it is missing."""
    if not justification_needed(call, cands, funded):
        return
    text = justification.strip()[:JUSTIFICATION_MAX]
    if not text:
        raise ValidationError({"justification": [_(
            "Lower-ranked applications are funded over higher-ranked ones: record the justification of this "
            "decision.")]})
    funded_over, passed_over = _inversion_sets(cands, funded)
    before = dict(call.decision_justification or {})
    after = {"text": text, "funded_over": sorted(funded_over), "passed_over": sorted(passed_over),
             "by": getattr(actor, "pk", None), "at": timezone.now().isoformat()}
    call.decision_justification = after
    call.save(update_fields=["decision_justification", "updated_at"])
    audit_record(action="asis.decision.justified", actor=actor, obj=call, before=before,
                 after={**after, "funded_over": [c.reference for c in cands if c.id in funded_over],
                        "passed_over": [c.reference for c in cands if c.id in passed_over]},
                 organisation_id=call.organisation_id)


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


def decisions_record(*, actor: Any, call: Call, items: Sequence[DecisionInput], justification: str = "") -> int:
    """Record several decisions at once; raises ``ValidationError`` (nothing saved) on any error.

    When the decisions fund a lower-ranked application over a higher-ranked one, ``justification``
    is required (unless an earlier one covers the same applications) and is saved with them
    (``asis.decision.justified``). Returns how many applications changed; each change is one
    ``asis.decision.recorded`` entry.
    """
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        apps = {a.pk: a for a in decidable_applications(call).filter(pk__in=[i.application_id for i in items])}
        errors = _validate(call, items, apps, sent_ids(call))
        if errors:
            raise ValidationError(errors)
        funded = funded_now(call)
        for item in items:
            funded.pop(item.application_id, None)
            if item.outcome == Application.Decision.APPROVED:
                app = apps[item.application_id]
                funded[app.pk] = item.amount if item.amount is not None else (app.requested_amount or Decimal("0"))
        _justify(actor=actor, call=call, cands=candidates(call), funded=funded, justification=justification)
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
                    reason: str = "", justification: str = "") -> int:
    """Record the decision on one application (same rules as :func:`decisions_record`)."""
    return decisions_record(actor=actor, call=application.call,
                            items=[DecisionInput(application.pk, outcome, amount, reason)],
                            justification=justification)


def prefill_items(call: Call, result: ResultSet, *, rest: str = Application.Decision.REJECTED) -> list[DecisionInput]:
    """Decisions proposed by the call's funding rule on the ranking of ``result``: funded ->
    approved (the amount the rule funds), the other ranked applications -> ``rest``, knocked-out,
    ineligible or unranked applications -> rejected. Applications whose letter was sent are left
    out. The reasons are not written here: they are generated from the facts when the letters go out."""
    cands = candidates(call, result)
    funded = proposal(call, cands)
    by_id = {c.id: c for c in cands}
    locked = sent_ids(call)
    items = []
    for app in decidable_applications(call):
        if app.pk in locked:
            continue
        if app.pk in funded:
            items.append(DecisionInput(app.pk, Application.Decision.APPROVED, funded[app.pk], ""))
        elif by_id[app.pk].ranked:
            items.append(DecisionInput(app.pk, rest, None, ""))
        else:
            items.append(DecisionInput(app.pk, Application.Decision.REJECTED, None, ""))
    return items


def decisions_prefill(*, actor: Any, call: Call, result: ResultSet,
                      rest: str = Application.Decision.REJECTED, justification: str = "") -> int:
    return decisions_record(actor=actor, call=call, items=prefill_items(call, result, rest=rest),
                            justification=justification)


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
        facts = decision_facts(call, candidates(call), funded_now(call))
        pending = [a for a in decidable_applications(call).prefetch_related("challenges", "partners__organisation")
                   if a.pk not in done]
        for n, app in enumerate(pending, start=1):
            app.decision_facts = facts.get(app.pk, {})
            app.save(update_fields=["decision_facts", "updated_at"])
            text = letters.letter_for(app, reason=letter_reason(app), templates=templates)
            letter = DecisionLetter.objects.create(application=app, outcome=app.decision, language=text.language,
                                                   subject=text.subject, body=text.body,
                                                   sent_by=actor if getattr(actor, "is_authenticated", False)
                                                   else None)
            if app.decision == Application.Decision.APPROVED:
                funded_project_create(actor=actor, application=app)
            audit_record(action="asis.decision.sent", actor=actor, obj=app,
                         after={"letter": letter.pk, "outcome": letter.outcome, "language": letter.language,
                                "facts": app.decision_facts},
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


def letter_reason(application: Application) -> Callable[[str], str]:
    """The reason of the letter in a language: the sentence generated from the decision's facts,
    then the managers' own note as they wrote it."""
    def reason(language: str) -> str:
        generated = reasons.render(application.decision_facts or {}, call=application.call, language=language)
        return "\n\n".join(part for part in (generated, decision_reason(application).strip()) if part)
    return reason


def preview_letter(application: Application, facts: dict[int, dict[str, Any]]) -> letters.LetterText:
    """The letter ``application`` would receive now (nothing saved)."""
    application.decision_facts = facts.get(application.pk, {})
    return letters.letter_for(application, reason=letter_reason(application))


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
    from asis.impact.setup import project_monitoring_setup

    project_monitoring_setup(actor=actor, project=project)
    return project
