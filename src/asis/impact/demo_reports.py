"""Demo reports: for every demo funded project with monitored indicators and reporting periods (set
up by the indicator library's demo step, which runs first), the reports of its ended periods over
the last three years, written through the workflow's own services (events, versions and audit
entries as in real use, without e-mails):

- most are validated; the latest period of a few projects waits for validation; one report is
  returned with a comment;
- some were submitted after their due date (the late flag shows it);
- a few projects fall behind on their key indicators (off-track values).

Nothing happens when no project has indicators and periods (zero reports).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from asis.accounts.models import Role, User
from asis.calls.models import FundedProject
from asis.impact import disaggregations
from asis.impact import reports as svc
from asis.impact.models import ProjectIndicator, Report, ReportEvent, ReportingPeriod

YEARS = 3
NARRATIVES = {
    "en": ["The activities ran as planned; more volunteers joined than expected.",
           "Fewer participants than planned in winter; we moved two workshops to spring.",
           "The new partner in the valley helped us reach older people living alone."],
    "de": ["Die Aktivitäten liefen wie geplant; mehr Freiwillige als erwartet machten mit.",
           "Im Winter kamen weniger Teilnehmende als geplant; zwei Workshops wurden in den Frühling verlegt.",
           "Der neue Partner im Tal half uns, allein lebende ältere Menschen zu erreichen."],
    "fr": ["Les activités se sont déroulées comme prévu ; plus de bénévoles que prévu nous ont rejoints.",
           "Moins de participants que prévu en hiver ; deux ateliers ont été reportés au printemps.",
           "Le nouveau partenaire de la vallée nous a aidés à toucher des personnes âgées isolées."],
    "it": ["Le attività si sono svolte come previsto; si sono aggiunti più volontari del previsto.",
           "In inverno meno partecipanti del previsto; due laboratori sono stati spostati in primavera.",
           "Il nuovo partner della valle ci ha aiutato a raggiungere anziani che vivono soli."],
    "sl": ["Dejavnosti so potekale po načrtu; pridružilo se je več prostovoljcev, kot smo pričakovali.",
           "Pozimi je bilo manj udeležencev od načrtovanih; dve delavnici smo prestavili na pomlad.",
           "Novi partner v dolini nam je pomagal doseči starejše, ki živijo sami."],
}
RISKS = {
    "en": ("Volunteers may leave after the pilot", "Training and a small expense allowance"),
    "de": ("Freiwillige könnten nach der Pilotphase aufhören", "Schulungen und eine kleine Aufwandsentschädigung"),
    "fr": ("Des bénévoles pourraient partir après le pilote", "Formation et petite indemnité de frais"),
    "it": ("I volontari potrebbero lasciare dopo il progetto pilota", "Formazione e un piccolo rimborso spese"),
    "sl": ("Prostovoljci bi lahko po pilotni fazi odšli", "Usposabljanje in manjše povračilo stroškov"),
}
RETURN_COMMENT = {
    "en": "The figures for women and men do not add up to the total. Please check them.",
    "de": "Die Zahlen für Frauen und Männer ergeben nicht die Summe. Bitte prüfen Sie sie.",
    "fr": "Les chiffres des femmes et des hommes ne correspondent pas au total. Merci de les vérifier.",
    "it": "I dati di donne e uomini non corrispondono al totale. Vi preghiamo di verificarli.",
    "sl": "Podatki za ženske in moške se ne ujemajo s skupno vsoto. Prosimo, preverite jih.",
}


def _language(project: FundedProject) -> str:
    language = getattr(project.application, "original_language", "") or "en"
    return language if language in NARRATIVES else "en"


def _manager(project: FundedProject) -> Any:
    return (User.objects.filter(memberships__organisation_id=project.application.call.organisation_id,
                                memberships__role=Role.PROGRAMME_MANAGER).order_by("pk").first())


def _expected(pi: ProjectIndicator, period: ReportingPeriod, periods: int) -> Decimal:
    """What the project planned for the period: its target, else a share of the final target, else
    a plausible number near the baseline."""
    targets = {(t.period_id, t.disaggregation): t.value for t in pi.targets.all()}
    if (period.pk, "") in targets:
        return targets[(period.pk, "")]
    final = targets.get((None, ""))
    if final is not None:
        cumulative = pi.indicator.values_mode == pi.indicator.ValuesMode.CUMULATIVE
        return final * period.number / periods if cumulative else final / periods
    return pi.baseline_value if pi.baseline_value not in (None, Decimal(0)) else Decimal(40)


def _clamp(pi: ProjectIndicator, value: Decimal) -> Decimal:
    low, high = pi.indicator.plausible_min, pi.indicator.plausible_max
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def _values(pi: ProjectIndicator, period: ReportingPeriod, periods: int, rng: random.Random,
            behind: bool) -> list[dict[str, Any]]:
    indicator = pi.indicator
    factor = Decimal(str(round(rng.uniform(0.35, 0.55) if behind and pi.is_key else rng.uniform(0.85, 1.15), 3)))
    if indicator.is_ratio:
        denominator = Decimal(rng.randint(20, 200))
        target_share = _expected(pi, period, periods)
        share = target_share / 100 if indicator.unit == "percent" else target_share / 1000
        share = min(max(share * factor, Decimal(0)), Decimal(1))
        numerator = (denominator * share).quantize(Decimal(1))
        return [{"indicator": pi.pk, "value": str(numerator), "denominator": str(denominator), "unit": indicator.unit}]
    total = _clamp(pi, (_expected(pi, period, periods) * factor).quantize(Decimal("0.01")))
    if indicator.unit in ("persons", "count", "households", "organisations", "jobs"):
        total = total.quantize(Decimal(1))
    rows = [{"indicator": pi.pk, "value": str(total), "unit": indicator.unit}]
    if "sex" in (indicator.disaggregations or []) and total >= 2:
        women = (total * Decimal(str(round(rng.uniform(0.45, 0.62), 2)))).quantize(Decimal(1))
        rows += [{"indicator": pi.pk, "disaggregation": disaggregations.key("sex", "female"), "value": str(women),
                  "unit": indicator.unit},
                 {"indicator": pi.pk, "disaggregation": disaggregations.key("sex", "male"),
                  "value": str(total - women), "unit": indicator.unit}]
    return rows


def _backdate(report: Report, when: datetime) -> None:
    """Demo history: the submission happened on ``when`` (its latest event and the report's time)."""
    event = report.events.filter(action=ReportEvent.Action.SUBMITTED).order_by("-created_at", "-pk").first()
    if event is not None:
        ReportEvent.objects.filter(pk=event.pk).update(created_at=when)
    Report.objects.filter(pk=report.pk).update(submitted_at=when)


def _at(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def generate(*, rng: random.Random, size: Any, progress: Any) -> dict[str, int]:
    today = timezone.localdate()
    since = today - timedelta(days=365 * YEARS + 1)
    projects = list(FundedProject.objects.filter(monitored_indicators__isnull=False, periods__isnull=False)
                    .select_related("application__call", "application__applicant").distinct().order_by("pk"))
    summary = {"impact_reports": 0, "impact_reports_validated": 0, "impact_reports_late": 0}
    if not projects:
        return summary
    task = progress.add_task("Project reports", total=len(projects)) if progress is not None else None
    returned_done = False
    for index, project in enumerate(projects):
        indicators = list(project.monitored_indicators.select_related("indicator").prefetch_related("targets"))
        periods = list(project.periods.filter(ends_on__lt=today, ends_on__gte=since).order_by("number"))
        all_periods = project.periods.count()
        manager = _manager(project)
        language = _language(project)
        behind = rng.random() < 0.15  # a few projects fall behind on their key indicators
        waiting = rng.random() < 0.3  # their latest report still waits for validation
        lines = project.application.budget_lines or []
        for position, period in enumerate(periods):
            if Report.objects.filter(period=period).exists():
                continue
            report = Report.objects.create(project=project, period=period)
            values = [row for pi in indicators for row in _values(pi, period, all_periods, rng, behind)]
            budget = [{"line": i, "amount": str((Decimal(str(line.get("amount") or 0)) / max(all_periods, 1)
                                                  * Decimal(str(round(rng.uniform(0.7, 1.1), 2)))).quantize(Decimal("0.01")))}
                      for i, line in enumerate(lines)]
            risk, mitigation = RISKS[language]
            risks = [{"risk": risk, "likelihood": rng.choice(["low", "medium"]), "mitigation": mitigation}] \
                if rng.random() < 0.4 else []
            try:
                svc.report_save(actor=None, report=report, values=values,
                                narrative=rng.choice(NARRATIVES[language]), budget=budget, risks=risks)
                svc.report_submit(actor=None, report=report, today=today, notify=False)
            except ValidationError:  # a set-up the generator cannot fill plausibly: leave the period open
                report.delete()
                continue
            late = rng.random() < 0.2
            submitted = period.due_on + timedelta(days=rng.randint(3, 40)) if late else \
                period.due_on - timedelta(days=rng.randint(1, 20))
            submitted = min(submitted, today)
            _backdate(report, _at(submitted))
            summary["impact_reports"] += 1
            summary["impact_reports_late"] += int(submitted > period.due_on)
            last = position == len(periods) - 1
            if manager is None or (last and waiting):
                continue
            if last and not returned_done and index % 2 == 1:
                svc.report_return(actor=None, report=report, comment=RETURN_COMMENT[language], notify=False)
                returned_done = True
                continue
            svc.report_validate(actor=None, report=report, notify=False)
            summary["impact_reports_validated"] += 1
        if task is not None:
            progress.advance(task)
    return summary


__all__ = ["generate"]
