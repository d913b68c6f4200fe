"""Demo step ``asis.policylab.demo``: four public scenarios of the demo programme manager's
organisation, each with a finished Monte Carlo run (small: 40 runs of 3,000 potential initiatives,
computed here synchronously through the same adapters and engine as the background jobs), a public
comparison of them, and the white book: edition 1 adopted (region profiles' figures frozen) and
edition 2 started as a draft from it.

Deterministic: fixed seeds, no dependence on the clock except the timestamps. Runs after the
observatory, calls and impact steps, whose data the region profiles and the evidence cite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from asis.accounts.models import Membership, Role
from asis.calls.models import Call, FundedProject
from asis.engines.simulation.experiments import chunk_bounds, combine, run_chunk
from asis.observatory.models import Axis, Initiative
from asis.policylab import adapters, runs
from asis.policylab.models import Comparison, RunChunk, Scenario, SimulationRun, Visibility
from asis.policylab.models_whitebook import Chapter, Edition, Evidence, Paragraph
from asis.policylab.whitebook.profiles import profile_freeze
from asis.policylab.whitebook.selectors import snapshot_build
from asis.regions.models import Region

SEED = 2026
N_RUNS = 40
CHUNK = 20
AGENTS = 3000
HORIZON = 10
LANGUAGES = ("en", "fr", "de", "it", "sl")

# (key, name, levers)
SCENARIOS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("current", "Current policy", {}),
    ("social", "Social weight 60 %", {"social_weight": 0.6}),
    ("training", "Training and cooperation", {"training_intensity": 0.6, "cooperation_support": 0.6}),
    ("two_calls", "Two calls a year", {"calls_per_year": 2}),
)
COMPARISON_NAME = "Four funding policies for the Alpine Space"

T = dict[str, str]

EDITION_TITLE: T = {
    "en": "White book of social innovation in the Alpine Space",
    "fr": "Livre blanc de l'innovation sociale dans l'Espace alpin",
    "de": "Weißbuch der sozialen Innovation im Alpenraum",
    "it": "Libro bianco dell'innovazione sociale nello Spazio alpino",
    "sl": "Bela knjiga socialnih inovacij v alpskem prostoru",
}
INTRODUCTION: T = {
    "en": "This white book turns what the platform knows about social innovation in the 42 regions of the "
          "Alpine Space into recommendations for public funders. Every recommendation names its evidence.",
    "fr": "Ce livre blanc transforme ce que la plateforme sait de l'innovation sociale dans les 42 régions de "
          "l'Espace alpin en recommandations pour les financeurs publics. Chaque recommandation cite ses preuves.",
    "de": "Dieses Weißbuch macht aus dem, was die Plattform über soziale Innovation in den 42 Regionen des "
          "Alpenraums weiß, Empfehlungen für öffentliche Geldgeber. Jede Empfehlung nennt ihre Belege.",
    "it": "Questo libro bianco trasforma ciò che la piattaforma sa dell'innovazione sociale nelle 42 regioni dello "
          "Spazio alpino in raccomandazioni per i finanziatori pubblici. Ogni raccomandazione cita le sue prove.",
    "sl": "Ta bela knjiga spreminja to, kar platforma ve o socialnih inovacijah v 42 regijah alpskega prostora, "
          "v priporočila za javne financerje. Vsako priporočilo navaja svoje dokaze.",
}
CHAPTERS: dict[str, T] = {
    "introduction": {"en": "Introduction", "fr": "Introduction", "de": "Einleitung", "it": "Introduzione",
                     "sl": "Uvod"},
    "recommendations": {"en": "Recommendations", "fr": "Recommandations", "de": "Empfehlungen",
                        "it": "Raccomandazioni", "sl": "Priporočila"},
    "profiles": {"en": "Region profiles", "fr": "Profils des régions", "de": "Profile der Regionen",
                 "it": "Profili delle regioni", "sl": "Profili regij"},
    "method": {"en": "Method and data sources", "fr": "Méthode et sources des données",
               "de": "Methode und Datenquellen", "it": "Metodo e fonti dei dati", "sl": "Metoda in viri podatkov"},
}
INTRO_PARAGRAPHS: tuple[T, ...] = (
    {"en": "Social innovation answers needs that markets and public services leave open: care close to home, "
           "work for people far from the labour market, villages that keep their shop and their school.",
     "fr": "L'innovation sociale répond à des besoins que le marché et les services publics laissent ouverts : "
           "des soins de proximité, du travail pour les personnes éloignées de l'emploi, des villages qui gardent "
           "leur commerce et leur école.",
     "de": "Soziale Innovation beantwortet Bedürfnisse, die Markt und öffentliche Dienste offenlassen: Pflege "
           "nahe am Wohnort, Arbeit für Menschen fern vom Arbeitsmarkt, Dörfer, die ihren Laden und ihre Schule "
           "behalten.",
     "it": "L'innovazione sociale risponde a bisogni che il mercato e i servizi pubblici lasciano scoperti: cura "
           "vicino a casa, lavoro per chi è lontano dal mercato del lavoro, paesi che conservano il negozio e la "
           "scuola.",
     "sl": "Socialne inovacije odgovarjajo na potrebe, ki jih trg in javne službe puščajo odprte: oskrba blizu "
           "doma, delo za ljudi, ki so daleč od trga dela, vasi, ki ohranijo trgovino in šolo."},
    {"en": "The recommendations follow the three intervention axes of the ASIS strategy. The region profiles show "
           "the figures behind them, region by region, and what the simulations project for the next ten years.",
     "fr": "Les recommandations suivent les trois axes d'intervention de la stratégie ASIS. Les profils des "
           "régions montrent les chiffres qui les fondent, région par région, et ce que les simulations projettent "
           "pour les dix prochaines années.",
     "de": "Die Empfehlungen folgen den drei Interventionsachsen der ASIS-Strategie. Die Regionsprofile zeigen "
           "die Zahlen dahinter, Region für Region, und was die Simulationen für die nächsten zehn Jahre erwarten.",
     "it": "Le raccomandazioni seguono i tre assi di intervento della strategia ASIS. I profili delle regioni "
           "mostrano i dati su cui si basano, regione per regione, e ciò che le simulazioni prevedono per i "
           "prossimi dieci anni.",
     "sl": "Priporočila sledijo trem intervencijskim osem strategije ASIS. Profili regij kažejo številke, na "
           "katerih temeljijo, regijo za regijo, in kaj simulacije predvidevajo za naslednjih deset let."},
)
# Two recommendations per axis (axis code -> texts), with what their evidence is.
RECOMMENDATIONS: dict[str, tuple[T, T]] = {
    "local-communities": (
        {"en": "Fund places where neighbours organise services together, such as community shops, shared "
               "transport and meeting rooms, for at least three years rather than one.",
         "fr": "Financer pour au moins trois ans, et non un seul, les lieux où les habitants organisent ensemble "
               "des services : commerces associatifs, transport partagé, salles de rencontre.",
         "de": "Orte, an denen Nachbarn gemeinsam Dienste organisieren, etwa Dorfläden, geteilte Mobilität und "
               "Treffpunkte, für mindestens drei Jahre statt für eines fördern.",
         "it": "Finanziare per almeno tre anni, e non uno solo, i luoghi in cui i vicini organizzano insieme dei "
               "servizi: negozi di comunità, trasporto condiviso, sale d'incontro.",
         "sl": "Vsaj tri leta in ne le eno financirati kraje, kjer sosedje skupaj organizirajo storitve, kot so "
               "skupnostne trgovine, deljeni prevozi in prostori za srečanja."},
        {"en": "Support cooperation between valleys and across borders, so that an initiative that works in one "
               "region can be taken up in its neighbours.",
         "fr": "Soutenir la coopération entre vallées et par-delà les frontières, pour qu'une initiative qui "
               "fonctionne dans une région puisse être reprise chez ses voisines.",
         "de": "Zusammenarbeit zwischen Tälern und über Grenzen hinweg unterstützen, damit eine Initiative, die in "
               "einer Region funktioniert, in den Nachbarregionen übernommen werden kann.",
         "it": "Sostenere la cooperazione tra valli e oltre i confini, perché un'iniziativa che funziona in una "
               "regione possa essere ripresa in quelle vicine.",
         "sl": "Podpirati sodelovanje med dolinami in čez meje, da lahko pobudo, ki deluje v eni regiji, prevzamejo "
               "tudi sosednje."},
    ),
    "employment-models": (
        {"en": "Give social criteria at least 60 % of the weight in the selection grids of calls for social "
               "innovation, and publish the grid with the call.",
         "fr": "Donner aux critères sociaux au moins 60 % du poids dans les grilles de sélection des appels à "
               "projets d'innovation sociale, et publier la grille avec l'appel.",
         "de": "Sozialen Kriterien in den Auswahlrastern von Aufrufen für soziale Innovation mindestens 60 % des "
               "Gewichts geben und das Raster mit dem Aufruf veröffentlichen.",
         "it": "Dare ai criteri sociali almeno il 60 % del peso nelle griglie di selezione dei bandi per "
               "l'innovazione sociale e pubblicare la griglia con il bando.",
         "sl": "Socialnim merilom v ocenjevalnih mrežah razpisov za socialne inovacije dati vsaj 60 % teže in "
               "mrežo objaviti skupaj z razpisom."},
        {"en": "Train evaluators and applicants together: shared training reduces the noise in scores and "
               "helps smaller organisations write fundable projects.",
         "fr": "Former ensemble les évaluateurs et les porteurs de projets : une formation commune réduit le bruit "
               "dans les notes et aide les petites organisations à écrire des projets finançables.",
         "de": "Gutachter und Antragsteller gemeinsam schulen: gemeinsame Schulung verringert das Rauschen in den "
               "Bewertungen und hilft kleinen Organisationen, förderfähige Projekte zu schreiben.",
         "it": "Formare insieme valutatori e proponenti: una formazione comune riduce il rumore nei punteggi e "
               "aiuta le piccole organizzazioni a scrivere progetti finanziabili.",
         "sl": "Ocenjevalce in prijavitelje usposabljati skupaj: skupno usposabljanje zmanjša šum v ocenah in "
               "manjšim organizacijam pomaga pisati projekte, ki jih je mogoče financirati."},
    ),
    "care-close-to-people": (
        {"en": "Keep funding care projects that report validated results, and make reporting simple enough for "
               "small care providers.",
         "fr": "Continuer à financer les projets de soins qui rendent compte de résultats validés, et rendre le "
               "suivi assez simple pour les petits prestataires de soins.",
         "de": "Pflegeprojekte, die geprüfte Ergebnisse berichten, weiter fördern und die Berichterstattung für "
               "kleine Pflegeanbieter einfach halten.",
         "it": "Continuare a finanziare i progetti di cura che rendicontano risultati convalidati e rendere la "
               "rendicontazione abbastanza semplice per i piccoli fornitori di cura.",
         "sl": "Še naprej financirati projekte oskrbe, ki poročajo o potrjenih rezultatih, in poročanje poenostaviti "
               "za majhne izvajalce oskrbe."},
        {"en": "Open calls twice a year with the same yearly budget, so that projects do not wait a whole year "
               "for the next chance.",
         "fr": "Ouvrir des appels deux fois par an avec le même budget annuel, pour que les projets n'attendent pas "
               "une année entière la prochaine occasion.",
         "de": "Zweimal im Jahr Aufrufe mit demselben Jahresbudget öffnen, damit Projekte nicht ein ganzes Jahr auf "
               "die nächste Gelegenheit warten.",
         "it": "Aprire bandi due volte all'anno con lo stesso bilancio annuale, perché i progetti non aspettino un "
               "anno intero la prossima occasione.",
         "sl": "Razpise odpirati dvakrat na leto z enakim letnim proračunom, da projektom ni treba čakati celo leto "
               "na naslednjo priložnost."},
    ),
}
METHOD_PARAGRAPHS: tuple[T, ...] = (
    {"en": "Figures come from the platform: published initiatives of the observatory, applications and funded "
           "projects of the calls, and progress reports validated by programme managers.",
     "fr": "Les chiffres viennent de la plateforme : initiatives publiées de l'observatoire, candidatures et projets "
           "financés des appels, rapports d'avancement validés par les gestionnaires de programme.",
     "de": "Die Zahlen stammen aus der Plattform: veröffentlichte Initiativen der Beobachtungsstelle, Anträge und "
           "geförderte Projekte der Aufrufe sowie von Programmverantwortlichen geprüfte Fortschrittsberichte.",
     "it": "I dati provengono dalla piattaforma: iniziative pubblicate dell'osservatorio, domande e progetti "
           "finanziati dei bandi, rapporti di avanzamento convalidati dai responsabili di programma.",
     "sl": "Številke prihajajo s platforme: objavljene pobude observatorija, prijave in financirani projekti "
           "razpisov ter poročila o napredku, ki so jih potrdili vodje programov."},
    {"en": "Projections come from the policy lab's agent-based model, calibrated to these data. Each scenario was "
           "run many times; the profiles give the median and the band that holds 90 % of the runs.",
     "fr": "Les projections viennent du modèle multi-agents du laboratoire de politiques, calibré sur ces données. "
           "Chaque scénario a été simulé de nombreuses fois ; les profils donnent la médiane et la bande qui "
           "contient 90 % des simulations.",
     "de": "Die Projektionen stammen aus dem agentenbasierten Modell des Politiklabors, kalibriert an diesen Daten. "
           "Jedes Szenario wurde vielfach simuliert; die Profile zeigen den Median und das Band, in dem 90 % der "
           "Läufe liegen.",
     "it": "Le proiezioni provengono dal modello ad agenti del laboratorio delle politiche, calibrato su questi "
           "dati. Ogni scenario è stato simulato molte volte; i profili riportano la mediana e la fascia che "
           "contiene il 90 % delle simulazioni.",
     "sl": "Projekcije izhajajo iz agentnega modela laboratorija politik, umerjenega na te podatke. Vsak scenarij "
           "je bil simuliran večkrat; profili navajajo mediano in pas, v katerem je 90 % simulacij."},
)
PROFILE_TEXT: T = {"en": "Figures for {name}", "fr": "Chiffres pour {name}", "de": "Zahlen für {name}",
                   "it": "Dati per {name}", "sl": "Podatki za {name}"}
SOURCES = (
    ("OECD (2022), Recommendation of the Council on the Social and Solidarity Economy and Social Innovation, "
     "OECD/LEGAL/0472", "https://legalinstruments.oecd.org/en/instruments/OECD-LEGAL-0472"),
    ("Interreg Alpine Space Programme 2021-2027", "https://www.alpine-space.eu/"),
)


def _translated(obj: Any, field: str, texts: T) -> None:
    obj.original_language = "en"
    setattr(obj, field, texts["en"])
    for language in LANGUAGES[1:]:
        obj.set_translation(language, field, texts[language])


def simulate_scenario(scenario: Scenario, now: Any) -> SimulationRun:
    """One finished run of ``scenario`` with the specification a run started on its page would freeze
    (``runs.scenario_spec``: the parameters in force, potential initiatives shared by region), computed
    here chunk by chunk as the background jobs do it."""
    spec = runs.scenario_spec(scenario)
    runspec = runs.checked_runspec(spec)
    run = SimulationRun.objects.create(scenario=scenario, status=SimulationRun.Status.RUNNING, spec=spec,
                                       n_runs=scenario.n_runs, chunk_size=CHUNK, started_at=now)
    results = []
    for index, (start, stop) in enumerate(chunk_bounds(scenario.n_runs, CHUNK)):
        result = run_chunk(runspec, start, stop)
        results.append(result)
        RunChunk.objects.create(run=run, index=index, start=start, stop=stop,
                                data=adapters.chunk_to_bytes(result), finished_at=now)
    run.summary = adapters.summarise_result(combine(results))
    run.status = SimulationRun.Status.SUCCEEDED
    run.finished_at = now
    run.save(update_fields=["summary", "status", "finished_at"])
    return run


def demo_simulations(manager: Any, organisation: Any) -> tuple[dict[str, Scenario], Comparison]:
    now = timezone.now()
    scenarios: dict[str, Scenario] = {}
    finished: dict[str, SimulationRun] = {}
    for key, name, levers in SCENARIOS:
        scenario = Scenario.objects.create(
            name=name, owner=manager, organisation=organisation, visibility=Visibility.PUBLIC,
            levers={**adapters.default_levers(), **levers}, horizon_years=HORIZON, n_runs=N_RUNS, seed=SEED,
            agents=AGENTS)
        scenarios[key] = scenario
        finished[key] = simulate_scenario(scenario, now)
    comparison = Comparison.objects.create(name=COMPARISON_NAME, owner=manager, organisation=organisation,
                                           visibility=Visibility.PUBLIC, baseline=finished["current"])
    comparison.runs.set(list(finished.values()))
    return scenarios, comparison


def _evidence(paragraph: Paragraph, items: list[dict[str, Any]]) -> None:
    for position, item in enumerate(items, start=1):
        Evidence.objects.create(paragraph=paragraph, position=position, **item)


def _recommendation_evidence(axis_code: str, index: int, scenarios: dict[str, Scenario],
                             comparison: Comparison) -> list[dict[str, Any]]:
    axis_initiatives = list(Initiative.objects.filter(status=Initiative.Status.PUBLISHED, axes__code=axis_code)
                            .order_by("pk")[:4])
    projects = list(FundedProject.objects.order_by("pk")[:4])
    call = Call.objects.filter(applications__project__isnull=False).distinct().order_by("pk").first()
    compare = {"kind": Evidence.Kind.COMPARISON, "comparison": comparison}
    items: list[dict[str, Any]] = []
    if axis_code == "local-communities" and index == 0:
        items += [{"kind": Evidence.Kind.INITIATIVE, "initiative": i} for i in axis_initiatives[:2]]
        items.append(compare)
    elif axis_code == "local-communities":
        items.append({"kind": Evidence.Kind.SCENARIO, "scenario": scenarios["training"]})
        items += [{"kind": Evidence.Kind.INITIATIVE, "initiative": i} for i in axis_initiatives[2:3]]
        items.append({"kind": Evidence.Kind.SOURCE, "citation": SOURCES[1][0], "url": SOURCES[1][1]})
    elif axis_code == "employment-models" and index == 0:
        items.append({"kind": Evidence.Kind.SCENARIO, "scenario": scenarios["social"]})
        if call is not None:
            items.append({"kind": Evidence.Kind.CALL, "call": call})
        items.append(compare)
    elif axis_code == "employment-models":
        items.append({"kind": Evidence.Kind.SCENARIO, "scenario": scenarios["training"]})
        items.append({"kind": Evidence.Kind.SOURCE, "citation": SOURCES[0][0], "url": SOURCES[0][1]})
    elif index == 0:
        items += [{"kind": Evidence.Kind.PROJECT, "project": p} for p in projects[:2]]
        if call is not None:
            items.append({"kind": Evidence.Kind.CALL, "call": call})
    else:
        items.append({"kind": Evidence.Kind.SCENARIO, "scenario": scenarios["two_calls"]})
        items.append(compare)
    return items


def _chapter(edition: Edition, position: int, key: str, kind: str) -> Chapter:
    chapter = Chapter(edition=edition, position=position, kind=kind)
    _translated(chapter, "title", CHAPTERS[key])
    chapter.save()
    return chapter


def _paragraph(chapter: Chapter, position: int, texts: T, **extra: Any) -> Paragraph:
    paragraph = Paragraph(chapter=chapter, position=position, **extra)
    _translated(paragraph, "text", texts)
    paragraph.save()
    return paragraph


def demo_edition(scenarios: dict[str, Scenario], comparison: Comparison) -> Edition:
    edition = Edition(number=1)
    _translated(edition, "title", EDITION_TITLE)
    _translated(edition, "introduction", INTRODUCTION)
    edition.save()
    intro = _chapter(edition, 1, "introduction", Chapter.Kind.TEXT)
    for position, texts in enumerate(INTRO_PARAGRAPHS, start=1):
        _paragraph(intro, position, texts)
    recommendations = _chapter(edition, 2, "recommendations", Chapter.Kind.RECOMMENDATIONS)
    position = 0
    for axis in Axis.objects.filter(code__in=list(RECOMMENDATIONS)).order_by("position", "code"):
        for index, texts in enumerate(RECOMMENDATIONS[axis.code]):
            position += 1
            paragraph = _paragraph(recommendations, position, texts, kind=Paragraph.Kind.RECOMMENDATION, axis=axis)
            _evidence(paragraph, _recommendation_evidence(axis.code, index, scenarios, comparison))
    profiles = _chapter(edition, 3, "profiles", Chapter.Kind.REGION_PROFILES)
    for position, region in enumerate(Region.objects.order_by("code").only("pk", "code", "name"), start=1):
        _paragraph(profiles, position, {k: v.format(name=region.name) for k, v in PROFILE_TEXT.items()},
                   kind=Paragraph.Kind.REGION_PROFILE, region=region)
    method = _chapter(edition, 4, "method", Chapter.Kind.TEXT)
    for position, texts in enumerate(METHOD_PARAGRAPHS, start=1):
        _paragraph(method, position, texts)
    return edition


def demo_adopt(edition: Edition) -> Edition:
    """Adopt edition 1 as the editors would after its consultation: figures frozen, snapshot taken."""
    profile_freeze(Paragraph.objects.filter(chapter__edition=edition, kind=Paragraph.Kind.REGION_PROFILE))
    now = timezone.now()
    edition.snapshot = snapshot_build(edition)
    edition.status = Edition.Status.ADOPTED
    edition.consultation_opened_at = now - dt.timedelta(days=60)
    edition.consultation_closes_on = (now - dt.timedelta(days=15)).date()
    edition.consultation_closed_at = now - dt.timedelta(days=15)
    edition.adopted_at = now - dt.timedelta(days=7)
    edition.save()
    return edition


def demo_next_edition(edition: Edition) -> Edition:
    """Edition 2: a draft copy of edition 1 with the same lineages (region profiles live again)."""
    new = Edition.objects.create(number=edition.number + 1, title=edition.title, introduction=edition.introduction,
                                 original_language=edition.original_language, translations=edition.translations,
                                 previous=edition)
    for chapter in edition.chapters.all():
        copy = Chapter.objects.create(edition=new, lineage=chapter.lineage, position=chapter.position,
                                      kind=chapter.kind, title=chapter.title,
                                      original_language=chapter.original_language, translations=chapter.translations)
        for p in chapter.paragraphs.all():
            new_p = Paragraph.objects.create(chapter=copy, lineage=p.lineage, position=p.position, kind=p.kind,
                                             text=p.text, axis_id=p.axis_id, region_id=p.region_id,
                                             original_language=p.original_language, translations=p.translations)
            Evidence.objects.bulk_create([
                Evidence(paragraph=new_p, kind=e.kind, initiative_id=e.initiative_id, project_id=e.project_id,
                         call_id=e.call_id, scenario_id=e.scenario_id, comparison_id=e.comparison_id,
                         citation=e.citation, url=e.url, note=e.note, position=e.position)
                for e in p.evidence.all()])
    return new


def generate(*, rng: Any, size: Any, progress: Any) -> dict[str, int]:
    membership = (Membership.objects.filter(role=Role.PROGRAMME_MANAGER).select_related("user", "organisation")
                  .order_by("user_id").first())
    if membership is None or Edition.objects.exists():
        return {"policylab_scenarios": 0}
    scenarios, comparison = demo_simulations(membership.user, membership.organisation)
    edition = demo_adopt(demo_edition(scenarios, comparison))
    demo_next_edition(edition)
    return {"policylab_scenarios": len(scenarios), "policylab_comparisons": 1, "whitebook_editions": 2}


def clear() -> int:
    """Delete the demo white book, scenarios and comparisons (before the demo calls, projects and
    initiatives they cite are cleared; tests generate the demo again). Returns editions deleted.

    Adopted editions refuse changes through the model; the demo's are turned back into drafts with a
    queryset update first, which is for this clean-up only."""
    from asis.demo.generator import DEMO_DOMAIN

    editions = Edition.objects.filter(title=EDITION_TITLE["en"])
    count = editions.count()
    editions.update(status=Edition.Status.DRAFT)
    for edition in editions.order_by("-number"):
        edition.delete()
    demo_orgs = {"organisation__website__contains": DEMO_DOMAIN}
    Comparison.objects.filter(**demo_orgs).delete()
    Scenario.objects.filter(**demo_orgs).delete()
    return count
