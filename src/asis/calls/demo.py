"""Calls demo data: three calls of demo public authorities in different phases.

- an *announced* call (published, opens in three weeks),
- an *open* call (applications being drafted and a few submitted),
- a call *under evaluation*: submitted and screened applications, accepted evaluators, three
  assignments per eligible application with no conflict of interest, and submitted reviews with
  scores on every criterion, so the results pages have data to compute.

Deterministic for a seed: every random choice comes from the generator's ``rng`` in a fixed
order. Dates are relative to today, so the phases hold whenever the demo is generated. Rows are
written with ``bulk_create``; the demo as a whole has one audit entry (the generator's).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Exists, OuterRef
from django.utils import timezone

from asis.accounts.models import Membership, Organisation, Role, User
from asis.calls.builder.services import call_snapshot
from asis.calls.models import (
    Application,
    Assignment,
    Call,
    CallVersion,
    EligibilityCheck,
    Evaluator,
    Review,
    ReviewScore,
)
from asis.engines.grids import load_builtin
from asis.observatory.models import Challenge, Initiative

DEMO_DOMAIN = "demo.asis.example"

CALLS: tuple[dict[str, Any], ...] = (
    {"phase": "evaluation", "budget": 600000, "min": 20000, "max": 80000, "rate": 80,
     "title": {"en": "Caring communities in mountain valleys",
               "de": "Sorgende Gemeinschaften in Bergtälern",
               "fr": "Communautés solidaires dans les vallées de montagne",
               "it": "Comunità che si prendono cura nelle valli di montagna",
               "sl": "Skrbne skupnosti v gorskih dolinah"},
     "description": {"en": "Grants for projects in which residents, associations and public services organise "
                           "care for older people and families together, close to home.",
                     "de": "Förderung von Projekten, in denen Bewohner, Vereine und öffentliche Dienste gemeinsam "
                           "die Betreuung älterer Menschen und Familien wohnortnah organisieren.",
                     "fr": "Subventions pour des projets où habitants, associations et services publics "
                           "organisent ensemble l'accompagnement des personnes âgées et des familles.",
                     "it": "Contributi per progetti in cui residenti, associazioni e servizi pubblici organizzano "
                           "insieme l'assistenza ad anziani e famiglie vicino a casa.",
                     "sl": "Nepovratna sredstva za projekte, v katerih prebivalci, društva in javne službe skupaj "
                           "organizirajo oskrbo starejših in družin blizu doma."}},
    {"phase": "open", "budget": 400000, "min": 10000, "max": 50000, "rate": 70,
     "title": {"en": "Young people shaping their region",
               "de": "Junge Menschen gestalten ihre Region",
               "fr": "Les jeunes façonnent leur territoire",
               "it": "I giovani danno forma al loro territorio",
               "sl": "Mladi oblikujejo svojo regijo"},
     "description": {"en": "Support for social innovations led by or with young people that keep valleys lively: "
                           "housing, work, culture and participation.",
                     "de": "Unterstützung sozialer Innovationen von und mit jungen Menschen, die Täler lebendig "
                           "halten: Wohnen, Arbeit, Kultur und Beteiligung.",
                     "fr": "Soutien aux innovations sociales portées par ou avec des jeunes qui font vivre les "
                           "vallées : logement, travail, culture et participation.",
                     "it": "Sostegno alle innovazioni sociali guidate da o con giovani che mantengono vive le "
                           "valli: casa, lavoro, cultura e partecipazione.",
                     "sl": "Podpora družbenim inovacijam mladih ali z mladimi, ki ohranjajo doline žive: "
                           "bivanje, delo, kultura in sodelovanje."}},
    {"phase": "announced", "budget": 250000, "min": 5000, "max": 30000, "rate": 90,
     "title": {"en": "Green transitions with everyone on board",
               "de": "Grüne Wende – alle mit an Bord",
               "fr": "Transitions vertes avec toutes et tous",
               "it": "Transizioni verdi con tutti a bordo",
               "sl": "Zeleni prehodi z vsemi na krovu"},
     "description": {"en": "Small grants for community projects that make the ecological transition fair and "
                           "accessible to people on low incomes.",
                     "de": "Kleinförderungen für Gemeinschaftsprojekte, die die ökologische Wende gerecht und für "
                           "Menschen mit geringem Einkommen zugänglich machen.",
                     "fr": "Petites subventions pour des projets collectifs qui rendent la transition écologique "
                           "juste et accessible aux personnes à faibles revenus.",
                     "it": "Piccoli contributi per progetti comunitari che rendono la transizione ecologica equa e "
                           "accessibile alle persone a basso reddito.",
                     "sl": "Manjša sredstva za skupnostne projekte, ki naredijo zeleni prehod pravičen in dostopen "
                           "ljudem z nizkimi dohodki."}},
)

PROJECTS: dict[str, tuple[str, ...]] = {
    "en": ("Neighbourhood care circles", "Shared meals in the village hall", "Digital help desk for seniors",
           "Carers' respite network", "Intergenerational housing", "Mobile day centre", "Village health kiosk",
           "Volunteer transport pool"),
    "de": ("Nachbarschaftliche Sorgekreise", "Gemeinsamer Mittagstisch im Dorfsaal", "Digitale Sprechstunde für "
           "Senioren", "Entlastungsnetz für pflegende Angehörige", "Generationenwohnen", "Mobiles Tageszentrum",
           "Gesundheitskiosk im Dorf", "Ehrenamtlicher Fahrdienst"),
    "fr": ("Cercles de soin de voisinage", "Repas partagés à la salle communale", "Guichet numérique pour les "
           "aînés", "Réseau de répit pour les aidants", "Habitat intergénérationnel", "Accueil de jour mobile",
           "Kiosque santé du village", "Covoiturage solidaire"),
    "it": ("Cerchie di cura di vicinato", "Pranzi condivisi nella sala civica", "Sportello digitale per anziani",
           "Rete di sollievo per i caregiver", "Abitare intergenerazionale", "Centro diurno mobile",
           "Chiosco della salute in paese", "Trasporto solidale volontario"),
    "sl": ("Sosedski krogi oskrbe", "Skupni obroki v vaški dvorani", "Digitalna pomoč za starejše",
           "Mreža razbremenitve za oskrbovalce", "Medgeneracijsko bivanje", "Mobilni dnevni center",
           "Vaški zdravstveni kiosk", "Prostovoljni prevozi"),
}
CHECKLIST = [
    {"id": "region", "text": "The project takes place in an eligible region."},
    {"id": "applicant", "text": "The lead applicant is an eligible type of organisation."},
    {"id": "cofunding", "text": "The grant does not exceed the maximum co-funding rate."},
    {"id": "documents", "text": "The statutes and the detailed budget are attached."},
]


def _language(organisation: Organisation) -> str:
    return organisation.original_language or "en"


def _authorities() -> list[tuple[Organisation, User]]:
    """Demo public authorities with a programme manager, one per country first."""
    managers = Membership.objects.filter(role=Role.PROGRAMME_MANAGER, organisation__website__contains=DEMO_DOMAIN)
    orgs = list(Organisation.objects.filter(type=Organisation.Type.PUBLIC_AUTHORITY, website__contains=DEMO_DOMAIN)
                .filter(Exists(managers.filter(organisation=OuterRef("pk")))).order_by("pk"))
    if len(orgs) < len(CALLS):
        orgs += list(Organisation.objects.filter(website__contains=DEMO_DOMAIN)
                     .filter(Exists(managers.filter(organisation=OuterRef("pk")))).exclude(pk__in=[o.pk for o in orgs])
                     .order_by("pk")[:len(CALLS) - len(orgs)])
    by_country: dict[str, Organisation] = {}
    for org in orgs:
        by_country.setdefault(org.country, org)
    chosen = list(by_country.values()) + [o for o in orgs if o not in by_country.values()]
    chosen = chosen[:len(CALLS)]
    manager_of = {m.organisation_id: m.user for m in managers.filter(organisation__in=chosen)
                  .select_related("user").order_by("pk")}
    return [(org, manager_of[org.pk]) for org in chosen]


def _people(role: str, count: int, password_hash: list[str]) -> list[tuple[User, Organisation]]:
    """Demo users in ``role`` with their organisation; more are created when the demo is small."""
    rows = [(m.user, m.organisation) for m in Membership.objects.filter(
        role=role, organisation__website__contains=DEMO_DOMAIN).select_related("user", "organisation__region")
        .order_by("pk")[:count]]
    if len(rows) < count:
        organisations = list(Organisation.objects.filter(website__contains=DEMO_DOMAIN).select_related("region")
                             .order_by("pk"))
        if not password_hash:
            from asis.demo.generator import DEMO_PASSWORD

            password_hash.append(make_password(DEMO_PASSWORD))
        for k in range(len(rows), count):
            organisation = organisations[(k * 7) % len(organisations)]
            email = f"{role.replace('_', '-')}.calls.{k + 1}@{DEMO_DOMAIN}"
            user = User.objects.filter(email=email).first() or User.objects.create(
                email=email, full_name=f"Demo {role.replace('_', ' ')} {k + 1}",
                preferred_language=_language(organisation), password=password_hash[0])
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
            rows.append((user, organisation))
    return rows


def _make_call(spec: dict[str, Any], organisation: Organisation, manager: User, rng: random.Random,
               now: dt.datetime, grid: dict[str, Any], challenges: list[Challenge]) -> Call:
    language = _language(organisation)
    opens, closes = {"evaluation": (-70, -10), "open": (-10, 30), "announced": (21, 75)}[spec["phase"]]
    opens_at = (now + dt.timedelta(days=opens)).replace(hour=8, minute=0, second=0, microsecond=0)
    closes_at = (now + dt.timedelta(days=closes)).replace(hour=16, minute=0, second=0, microsecond=0)
    call = Call(organisation=organisation, original_language=language,
                title=spec["title"][language], description=spec["description"][language],
                status=Call.Status.PUBLISHED, budget=Decimal(spec["budget"]), min_grant=Decimal(spec["min"]),
                max_grant=Decimal(spec["max"]), cofunding_rate=Decimal(spec["rate"]),
                timezone={"AT": "Europe/Vienna", "DE": "Europe/Berlin", "FR": "Europe/Paris", "IT": "Europe/Rome",
                          "SI": "Europe/Ljubljana", "CH": "Europe/Zurich", "LI": "Europe/Vaduz"}[organisation.country],
                opens_at=opens_at, closes_at=closes_at,
                evaluation_ends_on=(closes_at + dt.timedelta(days=35)).date(),
                decision_on=(closes_at + dt.timedelta(days=50)).date(),
                grid_template="asis", grid=grid, eligibility_checklist=CHECKLIST,
                custom_questions=[{"id": "q-1", "label": "How do the people concerned take part in the project?",
                                   "kind": "long_text", "required": True, "choices": []}],
                evaluators_per_application=3, ranking_methods=["weighted_sum", "topsis", "promethee_ii"],
                primary_method="weighted_sum", smaa_draws=1000, calibration=Call.Calibration.STANDARDISE,
                regional_conflict_rule=Call.RegionalConflictRule.SAME_REGION,
                portfolio_constraints={"min_score": 50, "allow_partial": False, "min_fraction": 1.0, "groups": [
                    # at most half of the money to the authority's own region (its applicants come from
                    # several regions, so the rule binds without emptying the portfolio)
                    {"dimension": "region", "group": organisation.region.code, "min_count": None,
                     "max_count": None, "min_share": None, "max_share": 0.5}]},
                applicant_types=[], version=1, created_by=manager,
                published_at=opens_at - dt.timedelta(days=14))
    for code, text in spec["title"].items():
        if code != language:
            call.set_translation(code, "title", text)
            if rng.random() < 0.8:  # some descriptions stay untranslated, as in real life
                call.set_translation(code, "description", spec["description"][code])
    call.full_clean()
    call.save()
    if challenges:
        call.challenges.set(rng.sample(challenges, min(2, len(challenges))))
    CallVersion.objects.create(call=call, number=1, snapshot=call_snapshot(call), note="Published",
                               created_by=manager)
    return call


def _applications(call: Call, holders: list[tuple[User, Organisation]], count: int, rng: random.Random,
                  now: dt.datetime, submitted_share: float) -> list[Application]:
    apps = []
    for n in range(count):
        user, organisation = holders[n % len(holders)]
        language = _language(organisation)
        theme = PROJECTS.get(language, PROJECTS["en"])[n % len(PROJECTS["en"])]
        requested = Decimal(rng.randrange(int(call.min_grant) // 1000, int(call.max_grant) // 1000 + 1) * 1000)
        total = (requested * 100 / call.cofunding_rate).quantize(Decimal("1")) + Decimal(rng.randrange(0, 20) * 500)
        submitted = rng.random() < submitted_share
        app = Application(
            call=call, reference=f"DEMO-{call.pk}-{n + 1:03d}", applicant=user, organisation=organisation,
            region_id=organisation.region_id, original_language=language,
            title=f"{theme} – {organisation.region.name}" if organisation.region_id else theme,
            summary=PROJECTS["en"][n % len(PROJECTS["en"])] + ": a demo project.",
            requested_amount=requested, total_cost=total,
            budget_lines=[{"category": "staff", "description": "Coordination", "amount": str(total * 6 / 10)},
                          {"category": "other", "description": "Activities", "amount": str(total * 4 / 10)}],
            logic_model={"problem": "Isolation of older people", "activities": "Weekly meetings",
                         "outputs": "40 meetings a year", "outcomes": "Less loneliness", "impact": "Ageing at home",
                         "indicators": [{"name": "Participants", "unit": "people", "baseline": 0,
                                         "target": 20 + rng.randrange(60)}]},
            answers={"q-1": "Residents co-design every activity."},
            status=Application.Status.SUBMITTED if submitted else Application.Status.DRAFT,
            submitted_at=(min(now, call.closes_at) - dt.timedelta(days=rng.randrange(1, 9))) if submitted else None)
        apps.append(app)
    return Application.objects.bulk_create(apps)


def _screen(call: Call, apps: list[Application], manager: User, rng: random.Random) -> list[Application]:
    checks, eligible = [], []
    for app in apps:
        ok = rng.random() > 0.1
        app.eligibility = Application.Eligibility.ELIGIBLE if ok else Application.Eligibility.INELIGIBLE
        results = {item["id"]: True for item in CHECKLIST}
        if not ok:
            results["documents"] = False
        checks.append(EligibilityCheck(application=app, results=results, outcome=app.eligibility, checked_by=manager,
                                       reason="" if ok else "The detailed budget is missing."))
        if ok:
            eligible.append(app)
    Application.objects.bulk_update(apps, ["eligibility"])
    EligibilityCheck.objects.bulk_create(checks)
    return eligible


def _reviews(call: Call, apps: list[Application], evaluators: list[tuple[User, Organisation]], manager: User,
             rng: random.Random, now: dt.datetime) -> int:
    rows = Evaluator.objects.bulk_create([
        Evaluator(call=call, user=user, status=Evaluator.Status.ACCEPTED, capacity=len(apps), invited_by=manager,
                  external=k % 3 == 0, responded_at=call.opens_at)
        for k, (user, _org) in enumerate(evaluators)])
    org_of = {row.pk: org for row, (_u, org) in zip(rows, evaluators, strict=True)}
    bias = {row.pk: rng.uniform(-0.6, 0.6) for row in rows}
    # One evaluator scores systematically harshly, so that calibration visibly changes the ranking.
    bias[rows[0].pk] = -1.5
    grid = call.grid
    scales = {s["id"]: s for s in grid["scales"]}
    assignments, quality = [], {}
    per_app = min(call.evaluators_per_application, len(rows))
    for k, app in enumerate(apps):
        quality[app.pk] = rng.uniform(1.5, 4.6)
        candidates = [r for r in rows if org_of[r.pk].pk != app.organisation_id
                      and org_of[r.pk].region_id != app.region_id]
        start = k % max(1, len(candidates))
        for evaluator in (candidates[start:] + candidates[:start])[:per_app]:
            assignments.append(Assignment(evaluator=evaluator, application=app, created_by=manager,
                                          reason="Balanced load, no conflict of interest."))
    assignments = Assignment.objects.bulk_create(assignments)
    reviews = Review.objects.bulk_create([
        Review(assignment=a, status=Review.Status.SUBMITTED, comment="A sound project; see the scores.",
               submitted_at=now - dt.timedelta(days=rng.randrange(1, 8))) for a in assignments])
    scores = []
    for review, assignment in zip(reviews, assignments, strict=True):
        base = quality[assignment.application_id] + bias[assignment.evaluator_id]
        for criterion in grid["criteria"]:
            scale = scales[criterion["scale"]]
            if scale["kind"] == "pass_fail":
                value = 1 if rng.random() < 0.95 else 0
            else:
                value = round(min(scale["max"], max(scale["min"], base + rng.gauss(0, 0.7))))
            scores.append(ReviewScore(review=review, criterion=criterion["id"], score=Decimal(value),
                                      justification="Scored against the anchors of the grid."))
    ReviewScore.objects.bulk_create(scores, batch_size=2000)
    return len(reviews)


def generate(*, rng: random.Random, size: Any, progress: Any) -> dict[str, int]:
    """The demo calls (``size.call_applications`` applications to the call under evaluation, 30 by default)."""
    count = int(getattr(size, "call_applications", 30))
    authorities = _authorities()
    if len(authorities) < len(CALLS):
        return {"calls": 0}
    task = progress.add_task("Funding calls", total=len(CALLS)) if progress is not None else None
    now = timezone.now()
    grid = load_builtin("asis").to_dict()
    challenges = list(Challenge.objects.filter(active=True).order_by("pk"))
    password_hash: list[str] = []
    holders = _people(Role.PROJECT_HOLDER, 12, password_hash)
    evaluators = _people(Role.EVALUATOR, 8, password_hash)
    summary = {"calls": 0, "applications": 0, "reviews": 0}
    for spec, (organisation, manager) in zip(CALLS, authorities, strict=True):
        call = _make_call(spec, organisation, manager, rng, now, grid, challenges)
        summary["calls"] += 1
        if spec["phase"] == "evaluation":
            apps = _applications(call, holders, count, rng, now, submitted_share=1.0)
            eligible = _screen(call, apps, manager, rng)
            summary["reviews"] += _reviews(call, eligible, evaluators, manager, rng, now)
            summary["applications"] += len(apps)
        elif spec["phase"] == "open":
            apps = _applications(call, holders, max(3, count // 5), rng, now, submitted_share=0.4)
            summary["applications"] += len(apps)
        if task is not None:
            progress.advance(task)
    return summary


def clear() -> int:
    """Delete the calls of demo organisations with everything attached (applications, reviews...),
    so demo organisations and users can be deleted and the demo generated again (tests). Returns
    the number of calls deleted."""
    from asis.calls.models import (
        ApplicationPartner,
        Attachment,
        CoApplicant,
        ConflictOfInterest,
        ConsensusScore,
        DecisionLetter,
        FundedProject,
    )
    from asis.demo.generator import DEMO_STEPS

    # Later demo steps that cite the demo calls (the white book's evidence) clear themselves first.
    later_steps = DEMO_STEPS[DEMO_STEPS.index(__name__) + 1:] if __name__ in DEMO_STEPS else ()
    for step in reversed(later_steps):
        later = import_module(step)
        if hasattr(later, "clear"):
            later.clear()
    # Ids first: PostgreSQL plans a DELETE over three nested IN-subqueries badly (over a minute on
    # a busy machine); plain id lists keep every statement a simple index lookup.
    call_ids = list(Call.objects.filter(organisation__website__contains=DEMO_DOMAIN).values_list("pk", flat=True))
    calls = Call.objects.filter(pk__in=call_ids)
    applications = Application.objects.filter(pk__in=list(
        Application.objects.filter(call_id__in=call_ids).values_list("pk", flat=True)))
    count = len(call_ids)
    for model in (ReviewScore, Review, ConsensusScore, Assignment, ConflictOfInterest, EligibilityCheck, Attachment,
                  CoApplicant, ApplicationPartner, DecisionLetter, FundedProject):
        field = {"ReviewScore": "review__assignment__application__in", "Review": "assignment__application__in"}.get(
            model.__name__, "application__in")
        model.objects.filter(**{field: applications}).delete()
    Evaluator.objects.filter(call__in=calls).delete()
    # Funding a demo application published an observatory initiative: it goes with the application.
    initiatives = list(applications.exclude(initiative=None).values_list("initiative_id", flat=True))
    applications.delete()
    Initiative.objects.filter(pk__in=initiatives).delete()
    calls.delete()
    return count
