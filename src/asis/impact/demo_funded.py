"""Demo step: a call decided about three years ago whose funded projects the impact demo monitors.

Runs after the calls demo and before ``asis.impact.demo_setup``. The call went through the whole
cycle (applications, screening, reviews, computed results); the best-ranked applications were
funded through the same service as in production (``funded_project_create``: an observatory
initiative and the monitoring set-up), and each project reports over four yearly periods from
the decision, so three reports lie in the past. The ex-ante scores and the measured results of
these projects feed the learning loop."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from asis.accounts.models import Role
from asis.calls import demo as calls_demo
from asis.calls.models import Application, Call
from asis.engines.grids import load_builtin
from asis.observatory.models import Challenge

PROJECT_MONTHS = 48
FUNDED = 12

SPEC: dict[str, Any] = {
    "phase": "evaluation", "budget": 720000, "min": 20000, "max": 80000, "rate": 80,
    "title": {"en": "Staying in the valley: care and work close to home (2023)",
              "de": "Im Tal bleiben: Sorge und Arbeit nahe am Wohnort (2023)",
              "fr": "Rester dans la vallée : soins et travail près de chez soi (2023)",
              "it": "Restare in valle: cura e lavoro vicino a casa (2023)",
              "sl": "Ostati v dolini: oskrba in delo blizu doma (2023)"},
    "description": {"en": "Grants for projects that keep older people, carers and young workers in mountain "
                          "valleys: care close to home, jobs and services that make staying possible.",
                    "de": "Förderung von Projekten, die ältere Menschen, pflegende Angehörige und junge Erwerbstätige "
                          "in den Bergtälern halten: wohnortnahe Sorge, Arbeit und Dienste.",
                    "fr": "Subventions pour des projets qui permettent aux aînés, aux aidants et aux jeunes actifs de "
                          "rester dans les vallées : soins de proximité, emplois et services.",
                    "it": "Contributi per progetti che permettono ad anziani, caregiver e giovani lavoratori di "
                          "restare nelle valli: cura vicino a casa, lavoro e servizi.",
                    "sl": "Nepovratna sredstva za projekte, ki starejšim, oskrbovalcem in mladim delavcem omogočajo, "
                          "da ostanejo v gorskih dolinah: oskrba blizu doma, delo in storitve."},
}


def _ranked(call: Call, eligible: list[Application]) -> list[Application]:
    """The eligible applications in the order of the call's computed results (best first)."""
    result = call.result_sets.order_by("-created_at").first()
    rank = {}
    for row in (result.data if result else {}).get("applications") or []:
        if row.get("rank") is not None:
            rank[int(row["id"])] = int(row["rank"])
    return sorted(eligible, key=lambda a: (rank.get(a.pk, 10**6), a.pk))


def generate(*, rng: random.Random, size: Any, progress: Any) -> dict[str, int]:
    from asis.calls.results.decisions import funded_project_create
    from asis.calls.results.services import call_results_compute
    from asis.impact.models import ReportingPeriod
    from asis.impact.setup import reporting_schedule

    authorities = calls_demo._authorities()
    if not authorities:
        return {"funded_projects": 0}
    organisation, manager = authorities[-1]
    now = timezone.now()
    challenges = list(Challenge.objects.filter(active=True).order_by("pk"))
    call = calls_demo._make_call(SPEC, organisation, manager, rng, now, load_builtin("asis").to_dict(), challenges)
    decided = timezone.localdate() - dt.timedelta(days=3 * 365 + 45)
    opens = now - dt.timedelta(days=3 * 365 + 150)
    Call.objects.filter(pk=call.pk).update(
        opens_at=opens, closes_at=opens + dt.timedelta(days=60), published_at=opens - dt.timedelta(days=14),
        evaluation_ends_on=decided - dt.timedelta(days=15), decision_on=decided, smaa_draws=200)
    call.refresh_from_db()
    # The platform itself acts in the demo (actor None): an audit entry naming a demo person would
    # keep that person from ever being deleted.
    password_hash: list[str] = []
    holders = calls_demo._people(Role.PROJECT_HOLDER, 12, password_hash)
    evaluators = calls_demo._people(Role.EVALUATOR, 8, password_hash)
    apps = calls_demo._applications(call, holders, FUNDED + 6, rng, call.closes_at, submitted_share=1.0)
    for app in apps:
        app.challenges.set(rng.sample(challenges, min(2, len(challenges))))
    eligible = calls_demo._screen(call, apps, manager, rng)
    calls_demo._reviews(call, eligible, evaluators, manager, rng, call.closes_at)
    call_results_compute(actor=None, call=call)
    funded = _ranked(call, eligible)[:FUNDED]
    summary = {"funded_projects": 0}
    for app in funded:
        Application.objects.filter(pk=app.pk).update(decision=Application.Decision.APPROVED,
                                                      granted_amount=app.requested_amount)
        app.refresh_from_db()
        project = funded_project_create(actor=None, application=app)
        # The platform's default duration is two years; the demo's projects run four, so that three
        # yearly reports lie behind today and a fourth is still to come.
        if not project.reports.exists():
            project.periods.all().delete()
            for number, starts, ends, due in reporting_schedule(decided, PROJECT_MONTHS):
                ReportingPeriod.objects.create(project=project, number=number, starts_on=starts, ends_on=ends,
                                               due_on=due)
        summary["funded_projects"] += 1
    Application.objects.filter(call=call, decision=Application.Decision.NONE).update(
        decision=Application.Decision.REJECTED)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.RESULTS)
    return summary
