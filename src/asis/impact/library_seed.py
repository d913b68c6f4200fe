"""The indicator library's starting set, in the five platform languages, each with its source.

Loaded by a data migration (0002); administrators edit the indicators afterwards, so this list is
a starting point, not the source of truth (the seed never overwrites an existing code).

Three sources:

- **ESF+ common indicators**, Regulation (EU) 2021/1057 (ESF+), Annex I, points 1-3: the common
  output indicators for participants and entities and the common immediate and longer-term result
  indicators. The codes (EECO.., EECR..) are those of the Commission's ESF+ monitoring guidance and
  SFC2021; the English names follow the Annex, the other languages are our translations of it.
  The Annex defines result indicators as counts of participants; we store them as the count
  (numerator) over the participants who left the operation (denominator), which keeps the count
  and gives the share without a second indicator.
- **SDG indicators**, UN global indicator framework for the Sustainable Development Goals
  (General Assembly resolution A/RES/71/313, annex, as revised): a subset that a local project can
  move or measure among the people it serves; the definition says how a project measures it.
- **ASIS challenge indicators**: for the societal challenges of the observatory
  (:mod:`asis.observatory.taxonomy_seed`) that the ESF+ and SDG sets do not measure at project
  level (rural depopulation, care close to people, ageing); each definition states its reasoning.

Plausible ranges: counts cannot be negative; percentages lie between 0 and 100 (for a ratio the
range applies to numerator / denominator x 100).
"""

from __future__ import annotations

from typing import Any

from asis.core.i18n import _digest

ORIGINAL = "en"
ESF_REF = "Regulation (EU) 2021/1057, Annex I"
SDG_REF = "UN Global indicator framework (A/RES/71/313)"
ASIS_REF = "ASIS"

PEOPLE = ["sex", "age_band", "region", "target_group"]
PEOPLE_NO_AGE = ["sex", "region", "target_group"]

# Each: code, source, kind, unit, options, {language: (name, definition)}.
Spec = tuple[str, str, str, str, dict[str, Any], dict[str, tuple[str, str]]]


def _esf_out(code: str, challenges: list[str], texts: dict[str, tuple[str, str]], *,
             disaggregations: list[str] | None = None, sdg: list[str] | None = None) -> Spec:
    return (code, "esf", "output", "persons", {
        "disaggregations": PEOPLE if disaggregations is None else disaggregations, "aggregation": "sum",
        "values_mode": "per_period", "frequency": "yearly", "data_source": "Participant records",
        "plausible_min": 0, "reference": f"{ESF_REF}, {code}", "challenges": challenges, "sdg_targets": sdg or [],
    }, texts)


def _esf_result(code: str, challenges: list[str], texts: dict[str, tuple[str, str]], *,
                sdg: list[str] | None = None, frequency: str = "yearly") -> Spec:
    return (code, "esf", "result", "percent", {
        "is_ratio": True, "denominator_label": "participants", "disaggregations": PEOPLE,
        "aggregation": "weighted_mean", "values_mode": "per_period", "frequency": frequency,
        "data_source": "Participant records", "plausible_min": 0, "plausible_max": 100,
        "reference": f"{ESF_REF}, {code}", "challenges": challenges, "sdg_targets": sdg or [],
    }, texts)


def _sdg(code: str, unit: str, options: dict[str, Any], texts: dict[str, tuple[str, str]]) -> Spec:
    number = code.removeprefix("sdg-").replace("-", ".")
    base = {"reference": f"{SDG_REF}, {number}", "aggregation": "weighted_mean", "values_mode": "per_period",
            "frequency": "yearly", "plausible_min": 0}
    if unit == "percent":
        base.update({"is_ratio": True, "plausible_max": 100})
    return (code, "sdg", options.pop("kind", "impact"), unit, {**base, **options}, texts)


def _asis(code: str, kind: str, unit: str, options: dict[str, Any], texts: dict[str, tuple[str, str]]) -> Spec:
    base = {"reference": ASIS_REF, "aggregation": "sum", "values_mode": "per_period", "frequency": "yearly",
            "plausible_min": 0, "disaggregations": PEOPLE}
    if unit == "percent":
        base.update({"is_ratio": True, "plausible_max": 100, "aggregation": "weighted_mean"})
    return (code, "asis", kind, unit, {**base, **options}, texts)


_LEAVING = {
    "en": "Counted when the participant leaves the operation, as the number of such participants out of all "
          "participants who left in the period (the share is their ratio).",
    "fr": "Compté lorsque le participant quitte l'opération, comme le nombre de ces participants sur l'ensemble "
          "des participants sortis au cours de la période (la part est leur rapport).",
    "de": "Erhoben beim Austritt aus dem Vorhaben, als Zahl dieser Teilnehmenden unter allen im Zeitraum "
          "ausgetretenen Teilnehmenden (der Anteil ist ihr Verhältnis).",
    "it": "Rilevato all'uscita dall'operazione, come numero di questi partecipanti su tutti i partecipanti "
          "usciti nel periodo (la quota è il loro rapporto).",
    "sl": "Šteje se ob izstopu iz operacije, kot število takih udeležencev med vsemi udeleženci, ki so v "
          "obdobju izstopili (delež je njihovo razmerje).",
}


def _leaving(texts: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {lang: (name, f"{definition} {_LEAVING[lang]}") for lang, (name, definition) in texts.items()}


ESF: list[Spec] = [
    _esf_out("EECO01", [], {
        "en": ("Total number of participants",
               "People who benefit directly from an ESF+ operation and whose personal data the project records; "
               "each person is counted once per operation."),
        "fr": ("Nombre total de participants",
               "Personnes qui bénéficient directement d'une opération du FSE+ et dont le projet enregistre les "
               "données ; chaque personne est comptée une fois par opération."),
        "de": ("Gesamtzahl der Teilnehmenden",
               "Personen, die unmittelbar von einem ESF+-Vorhaben profitieren und deren Daten das Projekt erfasst; "
               "jede Person wird je Vorhaben einmal gezählt."),
        "it": ("Numero totale di partecipanti",
               "Persone che beneficiano direttamente di un'operazione FSE+ e i cui dati sono registrati dal "
               "progetto; ogni persona è contata una volta per operazione."),
        "sl": ("Skupno število udeležencev",
               "Osebe, ki so neposredno deležne operacije ESS+ in katerih podatke projekt beleži; vsaka oseba se "
               "za operacijo šteje enkrat."),
    }),
    _esf_out("EECO02", ["unemployment"], {
        "en": ("Unemployed, including long-term unemployed",
               "Participants who are without work, available for work and actively seeking work when they "
               "enter the operation, including the long-term unemployed."),
        "fr": ("Chômeurs, y compris les chômeurs de longue durée",
               "Participants sans emploi, disponibles et activement à la recherche d'un emploi à l'entrée dans "
               "l'opération, y compris les chômeurs de longue durée."),
        "de": ("Arbeitslose, einschließlich Langzeitarbeitsloser",
               "Teilnehmende, die beim Eintritt in das Vorhaben ohne Arbeit, verfügbar und aktiv auf "
               "Arbeitssuche sind, einschließlich Langzeitarbeitsloser."),
        "it": ("Disoccupati, compresi i disoccupati di lungo periodo",
               "Partecipanti senza lavoro, disponibili e attivamente in cerca di lavoro all'ingresso "
               "nell'operazione, compresi i disoccupati di lungo periodo."),
        "sl": ("Brezposelni, vključno z dolgotrajno brezposelnimi",
               "Udeleženci, ki so ob vstopu v operacijo brez dela, na voljo za delo in dejavno iščejo zaposlitev, "
               "vključno z dolgotrajno brezposelnimi."),
    }, sdg=["8.5"]),
    _esf_out("EECO03", ["unemployment"], {
        "en": ("Long-term unemployed",
               "Participants unemployed for more than 12 continuous months (more than 6 months for those below "
               "25) when they enter the operation."),
        "fr": ("Chômeurs de longue durée",
               "Participants au chômage depuis plus de 12 mois continus (plus de 6 mois pour les moins de 25 ans) "
               "à l'entrée dans l'opération."),
        "de": ("Langzeitarbeitslose",
               "Teilnehmende, die beim Eintritt seit mehr als 12 Monaten ununterbrochen arbeitslos sind (unter "
               "25 Jahren: mehr als 6 Monate)."),
        "it": ("Disoccupati di lungo periodo",
               "Partecipanti disoccupati da oltre 12 mesi continuativi (oltre 6 mesi per chi ha meno di 25 anni) "
               "all'ingresso nell'operazione."),
        "sl": ("Dolgotrajno brezposelni",
               "Udeleženci, ki so ob vstopu v operacijo brezposelni več kot 12 zaporednih mesecev (mlajši od 25 "
               "let več kot 6 mesecev)."),
    }, sdg=["8.5"]),
    _esf_out("EECO04", ["unemployment"], {
        "en": ("Inactive",
               "Participants who are neither employed nor unemployed when they enter the operation (for example "
               "in education, caring for family, retired or not looking for work)."),
        "fr": ("Inactifs",
               "Participants ni en emploi ni au chômage à l'entrée dans l'opération (par exemple en formation, "
               "s'occupant de leur famille, retraités ou ne cherchant pas d'emploi)."),
        "de": ("Nichterwerbspersonen",
               "Teilnehmende, die beim Eintritt weder erwerbstätig noch arbeitslos sind (etwa in Ausbildung, in "
               "der Familienarbeit, im Ruhestand oder nicht auf Arbeitssuche)."),
        "it": ("Inattivi",
               "Partecipanti né occupati né disoccupati all'ingresso nell'operazione (ad esempio in istruzione, "
               "dediti alla cura della famiglia, in pensione o non in cerca di lavoro)."),
        "sl": ("Neaktivni",
               "Udeleženci, ki ob vstopu v operacijo niso niti zaposleni niti brezposelni (na primer se šolajo, "
               "skrbijo za družino, so upokojeni ali ne iščejo dela)."),
    }),
    _esf_out("EECO05", ["unemployment"], {
        "en": ("Employed, including self-employed",
               "Participants who work for pay, profit or family gain, including the self-employed, when they "
               "enter the operation."),
        "fr": ("Personnes exerçant un emploi, y compris les indépendants",
               "Participants qui travaillent contre rémunération, pour un profit ou un gain familial, y compris "
               "les indépendants, à l'entrée dans l'opération."),
        "de": ("Erwerbstätige, einschließlich Selbständiger",
               "Teilnehmende, die beim Eintritt gegen Entgelt, für Gewinn oder im Familienbetrieb arbeiten, "
               "einschließlich Selbständiger."),
        "it": ("Occupati, compresi i lavoratori autonomi",
               "Partecipanti che lavorano per una retribuzione, un profitto o un guadagno familiare, compresi gli "
               "autonomi, all'ingresso nell'operazione."),
        "sl": ("Zaposleni, vključno s samozaposlenimi",
               "Udeleženci, ki ob vstopu v operacijo delajo za plačilo, dobiček ali družinski zaslužek, vključno "
               "s samozaposlenimi."),
    }),
    _esf_out("EECO06", ["youth"], {
        "en": ("Children below 18 years of age", "Participants younger than 18 when they enter the operation."),
        "fr": ("Enfants de moins de 18 ans", "Participants âgés de moins de 18 ans à l'entrée dans l'opération."),
        "de": ("Kinder unter 18 Jahren", "Teilnehmende, die beim Eintritt jünger als 18 Jahre sind."),
        "it": ("Bambini di età inferiore a 18 anni",
               "Partecipanti di età inferiore a 18 anni all'ingresso nell'operazione."),
        "sl": ("Otroci, mlajši od 18 let", "Udeleženci, ki so ob vstopu v operacijo mlajši od 18 let."),
    }, disaggregations=PEOPLE_NO_AGE),
    _esf_out("EECO07", ["youth", "unemployment"], {
        "en": ("Young people aged 18-29 years",
               "Participants aged 18 to 29 when they enter the operation."),
        "fr": ("Jeunes âgés de 18 à 29 ans", "Participants âgés de 18 à 29 ans à l'entrée dans l'opération."),
        "de": ("Junge Menschen von 18 bis 29 Jahren", "Teilnehmende, die beim Eintritt 18 bis 29 Jahre alt sind."),
        "it": ("Giovani di età compresa tra 18 e 29 anni",
               "Partecipanti di età compresa tra 18 e 29 anni all'ingresso nell'operazione."),
        "sl": ("Mladi, stari od 18 do 29 let", "Udeleženci, ki so ob vstopu v operacijo stari od 18 do 29 let."),
    }, disaggregations=PEOPLE_NO_AGE),
    _esf_out("EECO08", ["ageing"], {
        "en": ("Participants 55 years of age and above",
               "Participants aged 55 or over when they enter the operation."),
        "fr": ("Participants âgés de 55 ans et plus", "Participants âgés de 55 ans ou plus à l'entrée dans l'opération."),
        "de": ("Teilnehmende ab 55 Jahren", "Teilnehmende, die beim Eintritt 55 Jahre oder älter sind."),
        "it": ("Partecipanti di età pari o superiore a 55 anni",
               "Partecipanti di 55 anni o più all'ingresso nell'operazione."),
        "sl": ("Udeleženci, stari 55 let ali več", "Udeleženci, ki so ob vstopu v operacijo stari 55 let ali več."),
    }, disaggregations=PEOPLE_NO_AGE),
    _esf_out("EECO09", ["education-skills"], {
        "en": ("Participants with lower secondary education or less (ISCED 0-2)",
               "Participants whose highest completed education is at most lower secondary (ISCED 0 to 2) when "
               "they enter the operation."),
        "fr": ("Participants ayant au plus un diplôme du premier cycle du secondaire (CITE 0-2)",
               "Participants dont le plus haut niveau d'études achevé est au plus le premier cycle du secondaire "
               "(CITE 0 à 2) à l'entrée dans l'opération."),
        "de": ("Teilnehmende mit höchstens Sekundarstufe I (ISCED 0-2)",
               "Teilnehmende, deren höchster Bildungsabschluss beim Eintritt höchstens die Sekundarstufe I "
               "(ISCED 0 bis 2) ist."),
        "it": ("Partecipanti con al massimo l'istruzione secondaria inferiore (ISCED 0-2)",
               "Partecipanti il cui titolo di studio più alto all'ingresso è al massimo la secondaria inferiore "
               "(ISCED da 0 a 2)."),
        "sl": ("Udeleženci z največ nižjo sekundarno izobrazbo (ISCED 0-2)",
               "Udeleženci, katerih najvišja dokončana izobrazba ob vstopu je največ nižja sekundarna (ISCED 0 "
               "do 2)."),
    }, sdg=["4.3"]),
    _esf_out("EECO12", [], {
        "en": ("Participants with disabilities",
               "Participants with a disability as recognised under national law or declared by the participant "
               "when they enter the operation."),
        "fr": ("Participants handicapés",
               "Participants en situation de handicap reconnue par le droit national ou déclarée par le "
               "participant à l'entrée dans l'opération."),
        "de": ("Teilnehmende mit Behinderungen",
               "Teilnehmende mit einer nach nationalem Recht anerkannten oder von ihnen selbst angegebenen "
               "Behinderung beim Eintritt."),
        "it": ("Partecipanti con disabilità",
               "Partecipanti con una disabilità riconosciuta dalla legge nazionale o dichiarata dal partecipante "
               "all'ingresso nell'operazione."),
        "sl": ("Udeleženci z invalidnostjo",
               "Udeleženci z invalidnostjo, priznano po nacionalnem pravu ali prijavljeno ob vstopu v operacijo."),
    }, sdg=["10.2"]),
    _esf_out("EECO13", ["migrant-inclusion"], {
        "en": ("Third-country nationals",
               "Participants who are not citizens of an EU Member State when they enter the operation."),
        "fr": ("Ressortissants de pays tiers",
               "Participants qui ne sont pas citoyens d'un État membre de l'UE à l'entrée dans l'opération."),
        "de": ("Drittstaatsangehörige",
               "Teilnehmende, die beim Eintritt nicht die Staatsangehörigkeit eines EU-Mitgliedstaats besitzen."),
        "it": ("Cittadini di paesi terzi",
               "Partecipanti che non sono cittadini di uno Stato membro dell'UE all'ingresso nell'operazione."),
        "sl": ("Državljani tretjih držav",
               "Udeleženci, ki ob vstopu v operacijo niso državljani države članice EU."),
    }, sdg=["10.2"]),
    _esf_out("EECO14", ["migrant-inclusion"], {
        "en": ("Participants with a foreign background",
               "Participants born abroad, or whose parents were born abroad, when they enter the operation "
               "(as defined nationally)."),
        "fr": ("Participants d'origine étrangère",
               "Participants nés à l'étranger, ou dont les parents sont nés à l'étranger, à l'entrée dans "
               "l'opération (selon la définition nationale)."),
        "de": ("Teilnehmende mit ausländischer Herkunft",
               "Teilnehmende, die im Ausland geboren sind oder deren Eltern im Ausland geboren sind "
               "(nach nationaler Definition)."),
        "it": ("Partecipanti di origine straniera",
               "Partecipanti nati all'estero, o i cui genitori sono nati all'estero, all'ingresso "
               "nell'operazione (secondo la definizione nazionale)."),
        "sl": ("Udeleženci s tujim poreklom",
               "Udeleženci, rojeni v tujini ali katerih starši so rojeni v tujini (po nacionalni opredelitvi)."),
    }, sdg=["10.2"]),
    _esf_out("EECO15", ["migrant-inclusion"], {
        "en": ("Minorities (including marginalised communities such as Roma)",
               "Participants belonging to a national or ethnic minority, including marginalised communities "
               "such as the Roma, as declared by the participant."),
        "fr": ("Minorités (y compris les communautés marginalisées telles que les Roms)",
               "Participants appartenant à une minorité nationale ou ethnique, y compris des communautés "
               "marginalisées telles que les Roms, selon leur déclaration."),
        "de": ("Minderheiten (einschließlich marginalisierter Gemeinschaften wie Roma)",
               "Teilnehmende, die nach eigener Angabe einer nationalen oder ethnischen Minderheit angehören, "
               "einschließlich marginalisierter Gemeinschaften wie der Roma."),
        "it": ("Minoranze (comprese le comunità emarginate come i rom)",
               "Partecipanti che dichiarano di appartenere a una minoranza nazionale o etnica, comprese comunità "
               "emarginate come i rom."),
        "sl": ("Manjšine (vključno z marginaliziranimi skupnostmi, kot so Romi)",
               "Udeleženci, ki po lastni izjavi pripadajo narodni ali etnični manjšini, vključno z "
               "marginaliziranimi skupnostmi, kot so Romi."),
    }, sdg=["10.2"]),
    _esf_out("EECO16", ["housing"], {
        "en": ("Homeless or affected by housing exclusion",
               "Participants who are roofless, houseless, in insecure or inadequate housing (ETHOS typology) when "
               "they enter the operation."),
        "fr": ("Personnes sans domicile ou exclues du logement",
               "Participants sans abri, sans logement, en logement précaire ou inadéquat (typologie ETHOS) à "
               "l'entrée dans l'opération."),
        "de": ("Obdachlose oder von Ausgrenzung auf dem Wohnungsmarkt Betroffene",
               "Teilnehmende, die beim Eintritt obdachlos, wohnungslos oder in unsicheren oder ungeeigneten "
               "Wohnverhältnissen sind (ETHOS-Typologie)."),
        "it": ("Senzatetto o persone colpite da esclusione abitativa",
               "Partecipanti senza tetto, senza casa, in alloggi insicuri o inadeguati (tipologia ETHOS) "
               "all'ingresso nell'operazione."),
        "sl": ("Brezdomci ali osebe, izključene s stanovanjskega trga",
               "Udeleženci, ki so ob vstopu brez strehe, brez stanovanja ali v negotovem ali neustreznem "
               "bivališču (tipologija ETHOS)."),
    }, sdg=["11.1"]),
    _esf_out("EECO17", ["depopulation-urban-degradation"], {
        "en": ("Participants from rural areas",
               "Participants living in a thinly populated area (degree of urbanisation, DEGURBA category 3) when "
               "they enter the operation."),
        "fr": ("Participants issus de zones rurales",
               "Participants résidant dans une zone peu peuplée (degré d'urbanisation DEGURBA, catégorie 3) à "
               "l'entrée dans l'opération."),
        "de": ("Teilnehmende aus ländlichen Gebieten",
               "Teilnehmende, die beim Eintritt in einem dünn besiedelten Gebiet wohnen "
               "(Verstädterungsgrad DEGURBA, Kategorie 3)."),
        "it": ("Partecipanti provenienti da zone rurali",
               "Partecipanti residenti in un'area scarsamente popolata (grado di urbanizzazione DEGURBA, "
               "categoria 3) all'ingresso nell'operazione."),
        "sl": ("Udeleženci s podeželja",
               "Udeleženci, ki ob vstopu živijo na redko poseljenem območju (stopnja urbanizacije DEGURBA, "
               "kategorija 3)."),
    }),
    ("EECO18", "esf", "output", "organisations", {
        "disaggregations": ["region"], "aggregation": "sum", "values_mode": "per_period", "frequency": "yearly",
        "data_source": "Project records", "plausible_min": 0, "reference": f"{ESF_REF}, EECO18",
        "challenges": [], "sdg_targets": ["16.6"],
    }, {
        "en": ("Number of supported public administrations or public services at national, regional or local level",
               "Public administrations or public services that receive support from the operation, each "
               "counted once."),
        "fr": ("Nombre d'administrations ou de services publics soutenus aux niveaux national, régional ou local",
               "Administrations ou services publics qui reçoivent un soutien de l'opération, chacun compté une "
               "fois."),
        "de": ("Zahl der unterstützten öffentlichen Verwaltungen oder Dienste auf nationaler, regionaler oder "
               "lokaler Ebene",
               "Öffentliche Verwaltungen oder Dienste, die vom Vorhaben unterstützt werden, jeweils einmal gezählt."),
        "it": ("Numero di pubbliche amministrazioni o servizi pubblici sostenuti a livello nazionale, regionale "
               "o locale",
               "Pubbliche amministrazioni o servizi pubblici che ricevono sostegno dall'operazione, ciascuno "
               "contato una volta."),
        "sl": ("Število podprtih javnih uprav ali javnih služb na nacionalni, regionalni ali lokalni ravni",
               "Javne uprave ali javne službe, ki prejmejo podporo operacije; vsaka se šteje enkrat."),
    }),
    ("EECO19", "esf", "output", "organisations", {
        "disaggregations": ["region"], "aggregation": "sum", "values_mode": "per_period", "frequency": "yearly",
        "data_source": "Project records", "plausible_min": 0, "reference": f"{ESF_REF}, EECO19",
        "challenges": ["unemployment"], "sdg_targets": ["8.3"],
    }, {
        "en": ("Number of micro, small and medium-sized enterprises (including cooperative enterprises and "
               "social enterprises) supported",
               "Enterprises with fewer than 250 employees, including cooperatives and social enterprises, that "
               "receive support from the operation, each counted once."),
        "fr": ("Nombre de micro, petites et moyennes entreprises (y compris coopératives et entreprises sociales) "
               "soutenues",
               "Entreprises de moins de 250 salariés, y compris coopératives et entreprises sociales, soutenues "
               "par l'opération, chacune comptée une fois."),
        "de": ("Zahl der unterstützten Kleinst-, kleinen und mittleren Unternehmen (einschließlich "
               "Genossenschaften und Sozialunternehmen)",
               "Unternehmen mit weniger als 250 Beschäftigten, einschließlich Genossenschaften und "
               "Sozialunternehmen, die vom Vorhaben unterstützt werden, jeweils einmal gezählt."),
        "it": ("Numero di micro, piccole e medie imprese (comprese cooperative e imprese sociali) sostenute",
               "Imprese con meno di 250 dipendenti, comprese cooperative e imprese sociali, sostenute "
               "dall'operazione, ciascuna contata una volta."),
        "sl": ("Število podprtih mikro, malih in srednjih podjetij (vključno z zadrugami in socialnimi podjetji)",
               "Podjetja z manj kot 250 zaposlenimi, vključno z zadrugami in socialnimi podjetji, ki prejmejo "
               "podporo operacije; vsako se šteje enkrat."),
    }),
    _esf_result("EECR01", ["unemployment"], _leaving({
        "en": ("Participants engaged in job searching upon leaving",
               "Participants who were inactive when they entered and are actively looking for work when they "
               "leave."),
        "fr": ("Participants engagés dans la recherche d'un emploi au terme de leur participation",
               "Participants inactifs à l'entrée qui recherchent activement un emploi à la sortie."),
        "de": ("Teilnehmende, die nach ihrer Teilnahme auf Arbeitssuche sind",
               "Teilnehmende, die beim Eintritt Nichterwerbspersonen waren und beim Austritt aktiv Arbeit suchen."),
        "it": ("Partecipanti impegnati nella ricerca di un lavoro alla fine della loro partecipazione",
               "Partecipanti inattivi all'ingresso che all'uscita cercano attivamente lavoro."),
        "sl": ("Udeleženci, ki po izstopu iščejo zaposlitev",
               "Udeleženci, ki so bili ob vstopu neaktivni in ob izstopu dejavno iščejo delo."),
    }), sdg=["8.5"]),
    _esf_result("EECR02", ["education-skills", "youth"], _leaving({
        "en": ("Participants in education or training upon leaving",
               "Participants who are in formal or non-formal education or training when they leave and were not "
               "when they entered."),
        "fr": ("Participants suivant un enseignement ou une formation au terme de leur participation",
               "Participants qui suivent un enseignement ou une formation, formels ou non formels, à la sortie "
               "et n'en suivaient pas à l'entrée."),
        "de": ("Teilnehmende, die nach ihrer Teilnahme eine schulische oder berufliche Bildung absolvieren",
               "Teilnehmende, die beim Austritt in formaler oder nichtformaler Bildung sind und es beim Eintritt "
               "nicht waren."),
        "it": ("Partecipanti che intraprendono studi o una formazione alla fine della loro partecipazione",
               "Partecipanti che all'uscita seguono un percorso di istruzione o formazione, formale o non "
               "formale, che non seguivano all'ingresso."),
        "sl": ("Udeleženci, ki se po izstopu izobražujejo ali usposabljajo",
               "Udeleženci, ki so ob izstopu vključeni v formalno ali neformalno izobraževanje ali usposabljanje, "
               "ob vstopu pa niso bili."),
    }), sdg=["4.3"]),
    _esf_result("EECR03", ["education-skills"], _leaving({
        "en": ("Participants gaining a qualification upon leaving",
               "Participants who obtain a formal result of an assessment (a certificate, diploma or recognised "
               "qualification) by the time they leave."),
        "fr": ("Participants obtenant une qualification au terme de leur participation",
               "Participants qui obtiennent le résultat formel d'une évaluation (certificat, diplôme ou "
               "qualification reconnue) à la sortie."),
        "de": ("Teilnehmende, die nach ihrer Teilnahme eine Qualifizierung erlangen",
               "Teilnehmende, die bis zum Austritt ein formales Ergebnis einer Bewertung erhalten (Zertifikat, "
               "Diplom oder anerkannte Qualifikation)."),
        "it": ("Partecipanti che ottengono una qualifica alla fine della loro partecipazione",
               "Partecipanti che ottengono l'esito formale di una valutazione (certificato, diploma o qualifica "
               "riconosciuta) all'uscita."),
        "sl": ("Udeleženci, ki po izstopu pridobijo kvalifikacijo",
               "Udeleženci, ki do izstopa pridobijo formalni rezultat ocenjevanja (spričevalo, diplomo ali "
               "priznano kvalifikacijo)."),
    }), sdg=["4.4"]),
    _esf_result("EECR04", ["unemployment"], _leaving({
        "en": ("Participants in employment, including self-employment, upon leaving",
               "Participants who were not employed when they entered and are employed or self-employed when "
               "they leave."),
        "fr": ("Participants exerçant un emploi, y compris indépendant, au terme de leur participation",
               "Participants sans emploi à l'entrée qui exercent un emploi salarié ou indépendant à la sortie."),
        "de": ("Teilnehmende, die nach ihrer Teilnahme einen Arbeitsplatz haben, einschließlich Selbständiger",
               "Teilnehmende, die beim Eintritt nicht erwerbstätig waren und beim Austritt angestellt oder "
               "selbständig sind."),
        "it": ("Partecipanti che hanno un lavoro, anche autonomo, alla fine della loro partecipazione",
               "Partecipanti non occupati all'ingresso che all'uscita hanno un lavoro dipendente o autonomo."),
        "sl": ("Udeleženci, ki so po izstopu zaposleni, vključno s samozaposlitvijo",
               "Udeleženci, ki ob vstopu niso bili zaposleni, ob izstopu pa so zaposleni ali samozaposleni."),
    }), sdg=["8.5"]),
    _esf_result("EECR05", ["unemployment"], {
        "en": ("Participants in employment, including self-employment, six months after leaving",
               "Participants who are employed or self-employed six months after leaving the operation (a "
               "longer-term result, measured by follow-up or register data), out of the participants who left "
               "six months earlier."),
        "fr": ("Participants exerçant un emploi, y compris indépendant, six mois après la fin de leur participation",
               "Participants en emploi salarié ou indépendant six mois après leur sortie (résultat à plus long "
               "terme, mesuré par suivi ou données administratives), sur les participants sortis six mois plus tôt."),
        "de": ("Teilnehmende, die sechs Monate nach ihrer Teilnahme einen Arbeitsplatz haben, einschließlich "
               "Selbständiger",
               "Teilnehmende, die sechs Monate nach dem Austritt angestellt oder selbständig sind (längerfristiges "
               "Ergebnis, durch Nachbefragung oder Registerdaten erhoben), unter den sechs Monate zuvor "
               "Ausgetretenen."),
        "it": ("Partecipanti che hanno un lavoro, anche autonomo, sei mesi dopo la fine della loro partecipazione",
               "Partecipanti con un lavoro dipendente o autonomo sei mesi dopo l'uscita (risultato di più lungo "
               "periodo, rilevato con indagine di follow-up o dati amministrativi), sui partecipanti usciti sei "
               "mesi prima."),
        "sl": ("Udeleženci, ki so šest mesecev po izstopu zaposleni, vključno s samozaposlitvijo",
               "Udeleženci, ki so šest mesecev po izstopu zaposleni ali samozaposleni (dolgoročnejši rezultat, "
               "izmerjen z naknadno anketo ali registrskimi podatki), med udeleženci, ki so izstopili šest "
               "mesecev prej."),
    }, sdg=["8.5"]),
    _esf_result("EECR06", ["unemployment"], {
        "en": ("Participants with an improved labour market situation six months after leaving",
               "Participants who were employed when they entered and, six months after leaving, have moved to "
               "more stable, better qualified or better paid work, out of the employed participants who left "
               "six months earlier."),
        "fr": ("Participants dont la situation sur le marché du travail s'est améliorée six mois après la fin de "
               "leur participation",
               "Participants en emploi à l'entrée qui, six mois après leur sortie, ont un emploi plus stable, "
               "plus qualifié ou mieux rémunéré, sur les participants en emploi sortis six mois plus tôt."),
        "de": ("Teilnehmende, deren Situation auf dem Arbeitsmarkt sechs Monate nach ihrer Teilnahme besser ist",
               "Teilnehmende, die beim Eintritt erwerbstätig waren und sechs Monate nach dem Austritt eine "
               "stabilere, höher qualifizierte oder besser bezahlte Arbeit haben, unter den erwerbstätigen, "
               "sechs Monate zuvor Ausgetretenen."),
        "it": ("Partecipanti la cui situazione sul mercato del lavoro è migliorata sei mesi dopo la fine della "
               "loro partecipazione",
               "Partecipanti occupati all'ingresso che, sei mesi dopo l'uscita, hanno un lavoro più stabile, più "
               "qualificato o meglio retribuito, sui partecipanti occupati usciti sei mesi prima."),
        "sl": ("Udeleženci z izboljšanim položajem na trgu dela šest mesecev po izstopu",
               "Udeleženci, ki so bili ob vstopu zaposleni in imajo šest mesecev po izstopu stabilnejše, bolj "
               "kvalificirano ali bolje plačano delo, med zaposlenimi udeleženci, ki so izstopili šest mesecev prej."),
    }, sdg=["8.5"]),
]

SDG: list[Spec] = [
    _sdg("sdg-1-2-1", "percent", {"direction": "lower", "disaggregations": ["sex", "age_band", "region"],
                                  "data_source": "Participant survey", "challenges": [], "sdg_targets": ["1.2"]}, {
        "en": ("Proportion of population living below the national poverty line, by sex and age",
               "In a project: the share of the people it serves whose household income is below the national "
               "poverty line (numerator), out of those people asked (denominator)."),
        "fr": ("Proportion de la population vivant au-dessous du seuil national de pauvreté, par sexe et âge",
               "Dans un projet : la part des personnes servies dont le revenu du ménage est inférieur au seuil "
               "national de pauvreté (numérateur), parmi les personnes interrogées (dénominateur)."),
        "de": ("Anteil der Bevölkerung unter der nationalen Armutsgrenze, nach Geschlecht und Alter",
               "In einem Projekt: der Anteil der erreichten Menschen, deren Haushaltseinkommen unter der "
               "nationalen Armutsgrenze liegt (Zähler), unter den Befragten (Nenner)."),
        "it": ("Proporzione della popolazione che vive al di sotto della soglia nazionale di povertà, per sesso "
               "ed età",
               "In un progetto: la quota delle persone servite il cui reddito familiare è sotto la soglia "
               "nazionale di povertà (numeratore), tra le persone intervistate (denominatore)."),
        "sl": ("Delež prebivalstva pod nacionalnim pragom revščine, po spolu in starosti",
               "V projektu: delež ljudi, ki jim projekt služi, z dohodkom gospodinjstva pod nacionalnim pragom "
               "revščine (števec), med vprašanimi (imenovalec)."),
    }),
    _sdg("sdg-3-8-1", "score", {"aggregation": "mean", "plausible_max": 100, "disaggregations": ["region"],
                                "data_source": "National statistics", "challenges": ["care-services"],
                                "sdg_targets": ["3.8"]}, {
        "en": ("Coverage of essential health services",
               "The WHO/World Bank universal health coverage service coverage index, from 0 to 100, for the "
               "region the project serves; a context indicator taken from official statistics, not from the "
               "project's records."),
        "fr": ("Couverture des services de santé essentiels",
               "L'indice de couverture des services de santé universelle de l'OMS et de la Banque mondiale, de "
               "0 à 100, pour la région du projet ; indicateur de contexte tiré de la statistique officielle."),
        "de": ("Abdeckung mit grundlegenden Gesundheitsdiensten",
               "Der Index der Versorgungsabdeckung von WHO und Weltbank (0 bis 100) für die Region des Projekts; "
               "ein Kontextindikator aus der amtlichen Statistik, nicht aus den Aufzeichnungen des Projekts."),
        "it": ("Copertura dei servizi sanitari essenziali",
               "L'indice di copertura dei servizi dell'OMS e della Banca mondiale, da 0 a 100, per la regione "
               "del progetto; un indicatore di contesto tratto dalla statistica ufficiale."),
        "sl": ("Pokritost z osnovnimi zdravstvenimi storitvami",
               "Indeks pokritosti s storitvami SZO in Svetovne banke, od 0 do 100, za regijo projekta; "
               "kontekstni kazalnik iz uradne statistike, ne iz evidenc projekta."),
    }),
    _sdg("sdg-4-3-1", "percent", {"kind": "result", "disaggregations": ["sex", "age_band", "region"],
                                  "data_source": "Participant survey", "challenges": ["education-skills"],
                                  "sdg_targets": ["4.3"]}, {
        "en": ("Participation rate of youth and adults in formal and non-formal education and training in the "
               "previous 12 months, by sex",
               "In a project: the people it serves who took part in education or training in the last 12 months "
               "(numerator), out of those people (denominator)."),
        "fr": ("Taux de participation des jeunes et des adultes à un programme d'éducation et de formation "
               "formelle ou non formelle au cours des 12 mois précédents, par sexe",
               "Dans un projet : les personnes servies ayant suivi une éducation ou une formation au cours des "
               "12 derniers mois (numérateur), sur ces personnes (dénominateur)."),
        "de": ("Teilnahmequote von Jugendlichen und Erwachsenen an formaler und nichtformaler Bildung in den "
               "letzten 12 Monaten, nach Geschlecht",
               "In einem Projekt: die erreichten Menschen, die in den letzten 12 Monaten an Bildung oder "
               "Weiterbildung teilgenommen haben (Zähler), unter diesen Menschen (Nenner)."),
        "it": ("Tasso di partecipazione di giovani e adulti all'istruzione e alla formazione formale e non "
               "formale nei 12 mesi precedenti, per sesso",
               "In un progetto: le persone servite che hanno partecipato a istruzione o formazione negli ultimi "
               "12 mesi (numeratore), su queste persone (denominatore)."),
        "sl": ("Stopnja udeležbe mladih in odraslih v formalnem in neformalnem izobraževanju in usposabljanju v "
               "zadnjih 12 mesecih, po spolu",
               "V projektu: ljudje, ki se jim projekt posveča in so se v zadnjih 12 mesecih izobraževali ali "
               "usposabljali (števec), med temi ljudmi (imenovalec)."),
    }),
    _sdg("sdg-5-5-2", "percent", {"kind": "result", "disaggregations": ["region"],
                                  "data_source": "Project records", "challenges": ["gender-equality"],
                                  "sdg_targets": ["5.5"]}, {
        "en": ("Proportion of women in managerial positions",
               "In a project: women among the managers of the organisations it supports (numerator: women "
               "managers; denominator: all managers)."),
        "fr": ("Proportion de femmes occupant des postes de direction",
               "Dans un projet : les femmes parmi les dirigeants des organisations soutenues (numérateur : "
               "dirigeantes ; dénominateur : l'ensemble des dirigeants)."),
        "de": ("Anteil der Frauen in Führungspositionen",
               "In einem Projekt: Frauen unter den Führungskräften der unterstützten Organisationen (Zähler: "
               "weibliche Führungskräfte; Nenner: alle Führungskräfte)."),
        "it": ("Proporzione di donne in posizioni dirigenziali",
               "In un progetto: le donne tra i dirigenti delle organizzazioni sostenute (numeratore: dirigenti "
               "donne; denominatore: tutti i dirigenti)."),
        "sl": ("Delež žensk na vodstvenih položajih",
               "V projektu: ženske med vodstvenimi delavci podprtih organizacij (števec: vodje ženske; "
               "imenovalec: vsi vodje)."),
    }),
    _sdg("sdg-8-5-2", "percent", {"direction": "lower", "disaggregations": ["sex", "age_band", "region"],
                                  "data_source": "Eurostat LFS", "challenges": ["unemployment"],
                                  "sdg_targets": ["8.5"]}, {
        "en": ("Unemployment rate, by sex, age and persons with disabilities",
               "Unemployed persons (numerator) out of the labour force (denominator) in the area the project "
               "serves; a context indicator from the labour force survey or the employment service."),
        "fr": ("Taux de chômage, par sexe, âge et situation au regard du handicap",
               "Chômeurs (numérateur) sur la population active (dénominateur) dans la zone du projet ; "
               "indicateur de contexte issu de l'enquête sur les forces de travail ou du service de l'emploi."),
        "de": ("Arbeitslosenquote, nach Geschlecht, Alter und Menschen mit Behinderungen",
               "Arbeitslose (Zähler) unter den Erwerbspersonen (Nenner) im Gebiet des Projekts; ein "
               "Kontextindikator aus der Arbeitskräfteerhebung oder vom Arbeitsmarktservice."),
        "it": ("Tasso di disoccupazione, per sesso, età e persone con disabilità",
               "Disoccupati (numeratore) sulle forze di lavoro (denominatore) nell'area del progetto; "
               "indicatore di contesto dall'indagine sulle forze di lavoro o dai centri per l'impiego."),
        "sl": ("Stopnja brezposelnosti, po spolu, starosti in invalidnosti",
               "Brezposelni (števec) med delovno silo (imenovalec) na območju projekta; kontekstni kazalnik iz "
               "ankete o delovni sili ali zavoda za zaposlovanje."),
    }),
    _sdg("sdg-8-6-1", "percent", {"direction": "lower", "kind": "result", "disaggregations": ["sex", "region"],
                                  "data_source": "Participant records", "challenges": ["youth", "unemployment"],
                                  "sdg_targets": ["8.6"]}, {
        "en": ("Proportion of youth (aged 15-24 years) not in education, employment or training",
               "In a project: young people aged 15 to 24 it serves who are neither in work nor in education or "
               "training (numerator), out of the young people it serves (denominator)."),
        "fr": ("Proportion de jeunes (âgés de 15 à 24 ans) non scolarisés et sans emploi ni formation",
               "Dans un projet : les jeunes de 15 à 24 ans servis qui ne sont ni en emploi, ni en études, ni en "
               "formation (numérateur), sur les jeunes servis (dénominateur)."),
        "de": ("Anteil der Jugendlichen (15-24 Jahre), die weder in Ausbildung noch in Arbeit sind",
               "In einem Projekt: erreichte junge Menschen von 15 bis 24 Jahren, die weder arbeiten noch in "
               "Bildung oder Ausbildung sind (Zähler), unter den erreichten jungen Menschen (Nenner)."),
        "it": ("Proporzione di giovani (15-24 anni) che non studiano, non lavorano e non seguono una formazione",
               "In un progetto: i giovani di 15-24 anni serviti che non lavorano né studiano né seguono una "
               "formazione (numeratore), sui giovani serviti (denominatore)."),
        "sl": ("Delež mladih (15-24 let), ki niso zaposleni, se ne izobražujejo in ne usposabljajo",
               "V projektu: mladi od 15 do 24 let, ki niso zaposleni in se ne izobražujejo ali usposabljajo "
               "(števec), med mladimi, ki se jim projekt posveča (imenovalec)."),
    }),
    _sdg("sdg-10-2-1", "percent", {"direction": "lower", "disaggregations": ["sex", "age_band", "region"],
                                   "data_source": "Participant survey", "challenges": ["migrant-inclusion"],
                                   "sdg_targets": ["10.2"]}, {
        "en": ("Proportion of people living below 50 per cent of median income, by sex, age and persons with "
               "disabilities",
               "In a project: the people it serves whose equivalised household income is below half the "
               "national median (numerator), out of those asked (denominator)."),
        "fr": ("Proportion de personnes vivant avec moins de la moitié du revenu médian, par sexe, âge et "
               "situation au regard du handicap",
               "Dans un projet : les personnes servies dont le revenu équivalent du ménage est inférieur à la "
               "moitié du revenu médian national (numérateur), sur les personnes interrogées (dénominateur)."),
        "de": ("Anteil der Menschen mit weniger als 50 Prozent des Medianeinkommens, nach Geschlecht, Alter und "
               "Behinderung",
               "In einem Projekt: erreichte Menschen mit einem äquivalisierten Haushaltseinkommen unter der "
               "Hälfte des nationalen Medians (Zähler), unter den Befragten (Nenner)."),
        "it": ("Proporzione di persone che vivono con meno del 50 per cento del reddito mediano, per sesso, età "
               "e persone con disabilità",
               "In un progetto: le persone servite con reddito familiare equivalente inferiore alla metà della "
               "mediana nazionale (numeratore), tra gli intervistati (denominatore)."),
        "sl": ("Delež ljudi z manj kot 50 odstotki mediane dohodka, po spolu, starosti in invalidnosti",
               "V projektu: ljudje z ekvivalentnim dohodkom gospodinjstva pod polovico nacionalne mediane "
               "(števec), med vprašanimi (imenovalec)."),
    }),
    _sdg("sdg-11-2-1", "percent", {"kind": "result", "disaggregations": ["sex", "age_band", "region"],
                                   "data_source": "Project records", "challenges": ["mobility",
                                                                                     "depopulation-urban-degradation"],
                                   "sdg_targets": ["11.2"]}, {
        "en": ("Proportion of population that has convenient access to public transport, by sex, age and "
               "persons with disabilities",
               "In a project: residents of the area it serves who live within 500 m of a bus stop or 1 km of a "
               "station with regular service, or are served by an on-demand service (numerator), out of all "
               "residents (denominator)."),
        "fr": ("Proportion de la population ayant aisément accès aux transports publics, par sexe, âge et "
               "situation au regard du handicap",
               "Dans un projet : les habitants de la zone servie vivant à moins de 500 m d'un arrêt de bus ou "
               "1 km d'une gare desservie régulièrement, ou desservis par un transport à la demande "
               "(numérateur), sur l'ensemble des habitants (dénominateur)."),
        "de": ("Anteil der Bevölkerung mit bequemem Zugang zum öffentlichen Verkehr, nach Geschlecht, Alter und "
               "Behinderung",
               "In einem Projekt: Einwohnerinnen und Einwohner des Gebiets, die höchstens 500 m von einer "
               "Bushaltestelle oder 1 km von einem regelmäßig bedienten Bahnhof entfernt wohnen oder von einem "
               "Rufbus bedient werden (Zähler), unter allen Einwohnern (Nenner)."),
        "it": ("Proporzione della popolazione con comodo accesso al trasporto pubblico, per sesso, età e "
               "persone con disabilità",
               "In un progetto: i residenti dell'area servita che vivono entro 500 m da una fermata dell'autobus "
               "o 1 km da una stazione con servizio regolare, o serviti da un trasporto a chiamata "
               "(numeratore), su tutti i residenti (denominatore)."),
        "sl": ("Delež prebivalstva s priročnim dostopom do javnega prevoza, po spolu, starosti in invalidnosti",
               "V projektu: prebivalci območja, ki živijo največ 500 m od avtobusnega postajališča ali 1 km od "
               "redno oskrbovane postaje ali jih oskrbuje prevoz na klic (števec), med vsemi prebivalci "
               "(imenovalec)."),
    }),
    _sdg("sdg-13-2-2", "t_co2e", {"direction": "lower", "aggregation": "sum", "disaggregations": ["region"],
                                  "data_source": "Project records", "challenges": ["energy-climate"],
                                  "sdg_targets": ["13.2"]}, {
        "en": ("Total greenhouse gas emissions per year",
               "In a project: the greenhouse gas emissions of the activities or buildings it covers, in tonnes "
               "of CO2 equivalent per year (GHG Protocol scopes 1 and 2)."),
        "fr": ("Émissions totales de gaz à effet de serre par an",
               "Dans un projet : les émissions de gaz à effet de serre des activités ou bâtiments concernés, en "
               "tonnes d'équivalent CO2 par an (périmètres 1 et 2 du GHG Protocol)."),
        "de": ("Gesamte Treibhausgasemissionen pro Jahr",
               "In einem Projekt: die Treibhausgasemissionen der erfassten Tätigkeiten oder Gebäude in Tonnen "
               "CO2-Äquivalent pro Jahr (GHG Protocol, Scope 1 und 2)."),
        "it": ("Emissioni totali di gas serra all'anno",
               "In un progetto: le emissioni di gas serra delle attività o degli edifici interessati, in "
               "tonnellate di CO2 equivalente all'anno (GHG Protocol, ambiti 1 e 2)."),
        "sl": ("Skupne emisije toplogrednih plinov na leto",
               "V projektu: emisije toplogrednih plinov dejavnosti ali stavb, ki jih zajema, v tonah "
               "ekvivalenta CO2 na leto (GHG Protocol, obsega 1 in 2)."),
    }),
]

ASIS: list[Spec] = [
    _asis("asis-new-residents", "result", "persons", {
        "disaggregations": ["sex", "age_band", "region"], "data_source": "Municipal register",
        "challenges": ["depopulation-urban-degradation"], "sdg_targets": ["11.a"]}, {
        "en": ("New residents settled in the area",
               "People who registered their main residence in the villages or valleys the project serves during "
               "the period and say the project helped them come or stay. Why: depopulation is reversed one "
               "household at a time, and municipal registers make it countable."),
        "fr": ("Nouveaux habitants installés sur le territoire",
               "Personnes ayant établi leur résidence principale dans les villages ou vallées du projet au cours "
               "de la période et qui déclarent que le projet les a aidées à venir ou à rester. Pourquoi : le "
               "dépeuplement s'inverse foyer par foyer, et les registres communaux permettent de le compter."),
        "de": ("Neu angesiedelte Einwohnerinnen und Einwohner",
               "Menschen, die im Zeitraum ihren Hauptwohnsitz in den Dörfern oder Tälern des Projekts angemeldet "
               "haben und angeben, dass das Projekt ihnen beim Kommen oder Bleiben geholfen hat. Warum: "
               "Abwanderung wird Haushalt für Haushalt umgekehrt, und das Melderegister macht es zählbar."),
        "it": ("Nuovi residenti insediati nel territorio",
               "Persone che nel periodo hanno stabilito la residenza principale nei paesi o nelle valli del "
               "progetto e dichiarano che il progetto le ha aiutate a venire o a restare. Perché: lo "
               "spopolamento si inverte una famiglia alla volta, e l'anagrafe comunale lo rende misurabile."),
        "sl": ("Novi prebivalci, ki so se naselili na območju",
               "Osebe, ki so v obdobju prijavile stalno prebivališče v vaseh ali dolinah projekta in pravijo, da "
               "jim je projekt pomagal priti ali ostati. Zakaj: odseljevanje se obrne gospodinjstvo za "
               "gospodinjstvom, občinski register pa ga naredi merljivega."),
    }),
    _asis("asis-local-services", "output", "count", {
        "disaggregations": ["region"], "aggregation": "last", "values_mode": "cumulative",
        "data_source": "Project records", "challenges": ["depopulation-urban-degradation", "care-services"],
        "sdg_targets": ["11.a"]}, {
        "en": ("Local services opened or kept open",
               "Shops, post points, cafés, surgeries or community spaces the project opened or kept open in the "
               "area it serves, counted as the number open at the end of the period. Why: the loss of the last "
               "service is what makes people leave a village."),
        "fr": ("Services de proximité ouverts ou maintenus",
               "Commerces, points poste, cafés, cabinets ou lieux communautaires que le projet a ouverts ou "
               "maintenus dans la zone servie, comptés comme le nombre ouverts en fin de période. Pourquoi : la "
               "perte du dernier service fait partir les habitants d'un village."),
        "de": ("Eröffnete oder erhaltene Nahversorgungsangebote",
               "Läden, Postpartner, Gasthäuser, Praxen oder Gemeinschaftsräume, die das Projekt im Gebiet "
               "eröffnet oder erhalten hat, gezählt als Zahl der am Ende des Zeitraums geöffneten. Warum: Mit "
               "dem letzten Angebot verlassen die Menschen ein Dorf."),
        "it": ("Servizi di prossimità aperti o mantenuti",
               "Negozi, punti posta, bar, ambulatori o spazi comunitari che il progetto ha aperto o mantenuto "
               "nell'area servita, contati come numero aperti a fine periodo. Perché: la perdita dell'ultimo "
               "servizio è ciò che fa lasciare un paese."),
        "sl": ("Odprte ali ohranjene lokalne storitve",
               "Trgovine, poštna mesta, gostilne, ambulante ali skupnostni prostori, ki jih je projekt odprl ali "
               "ohranil na območju, šteti kot število odprtih ob koncu obdobja. Zakaj: z zadnjo storitvijo ljudje "
               "zapustijo vas."),
    }),
    _asis("asis-buildings-reused", "output", "count", {
        "disaggregations": ["region"], "data_source": "Project records",
        "challenges": ["depopulation-urban-degradation", "housing"], "sdg_targets": ["11.3"]}, {
        "en": ("Empty buildings brought back into use",
               "Vacant or derelict buildings the project brought back into regular use (housing, work or "
               "community space) in the period. Why: empty buildings are both a sign and a cause of decline in "
               "villages and run-down districts."),
        "fr": ("Bâtiments vacants remis en usage",
               "Bâtiments vacants ou délabrés que le projet a remis en usage régulier (logement, travail ou lieu "
               "communautaire) au cours de la période. Pourquoi : les bâtiments vides sont à la fois le signe et "
               "la cause du déclin des villages et des quartiers dégradés."),
        "de": ("Wieder genutzte leerstehende Gebäude",
               "Leerstehende oder verfallene Gebäude, die das Projekt im Zeitraum wieder regelmäßig nutzbar "
               "gemacht hat (Wohnen, Arbeit oder Gemeinschaft). Warum: Leerstand ist Zeichen und Ursache des "
               "Niedergangs von Dörfern und Quartieren."),
        "it": ("Edifici vuoti restituiti all'uso",
               "Edifici vuoti o degradati che il progetto ha restituito a un uso regolare (abitazione, lavoro o "
               "spazio comunitario) nel periodo. Perché: gli edifici vuoti sono segno e causa del declino di "
               "paesi e quartieri degradati."),
        "sl": ("Prazne stavbe, ki so znova v uporabi",
               "Prazne ali propadajoče stavbe, ki jih je projekt v obdobju vrnil v redno uporabo (bivanje, delo "
               "ali skupnost). Zakaj: prazne stavbe so znak in vzrok propadanja vasi in četrti."),
    }),
    _asis("asis-jobs-created", "result", "fte", {
        "disaggregations": ["sex", "age_band", "region"], "data_source": "Payroll records",
        "challenges": ["unemployment"], "sdg_targets": ["8.5"]}, {
        "en": ("Jobs created, in full-time equivalents",
               "Paid jobs that did not exist before the project and exist at the end of the period, in "
               "full-time equivalents (a half-time job counts 0.5). Why: the ASIS employment challenge asks for "
               "work that fits local lives, and FTE keeps part-time work visible without overstating it."),
        "fr": ("Emplois créés, en équivalents temps plein",
               "Emplois rémunérés qui n'existaient pas avant le projet et existent en fin de période, en "
               "équivalents temps plein (un mi-temps compte 0,5). Pourquoi : le défi de l'emploi d'ASIS demande "
               "un travail adapté à la vie locale, et l'ETP rend le temps partiel visible sans le surestimer."),
        "de": ("Geschaffene Arbeitsplätze in Vollzeitäquivalenten",
               "Bezahlte Stellen, die es vor dem Projekt nicht gab und am Ende des Zeitraums gibt, in "
               "Vollzeitäquivalenten (eine Halbtagsstelle zählt 0,5). Warum: Die ASIS-Herausforderung "
               "Beschäftigung verlangt Arbeit, die zum Leben vor Ort passt; VZÄ zeigen Teilzeit, ohne sie zu "
               "überschätzen."),
        "it": ("Posti di lavoro creati, in equivalenti a tempo pieno",
               "Posti di lavoro retribuiti che non esistevano prima del progetto ed esistono a fine periodo, in "
               "equivalenti a tempo pieno (un part-time al 50% conta 0,5). Perché: la sfida occupazionale di "
               "ASIS chiede lavoro adatto alla vita locale, e l'ETP rende visibile il part-time senza "
               "sovrastimarlo."),
        "sl": ("Ustvarjena delovna mesta v ekvivalentu polnega delovnega časa",
               "Plačana delovna mesta, ki pred projektom niso obstajala in obstajajo ob koncu obdobja, v "
               "ekvivalentu polnega delovnega časa (polovični delovni čas šteje 0,5). Zakaj: izziv zaposlovanja "
               "ASIS zahteva delo, ki ustreza lokalnemu življenju, EPDČ pa pokaže delo s krajšim časom, ne da bi "
               "ga precenili."),
    }),
    _asis("asis-social-enterprises", "output", "organisations", {
        "disaggregations": ["region"], "data_source": "Business register",
        "challenges": ["unemployment"], "sdg_targets": ["8.3"]}, {
        "en": ("Cooperatives and social enterprises created",
               "Cooperatives, community enterprises or work-integration social enterprises registered during the "
               "period with the project's support. Why: the ASIS axis on new employment models names these "
               "forms as the way to create work that stays in the area."),
        "fr": ("Coopératives et entreprises sociales créées",
               "Coopératives, entreprises communautaires ou entreprises d'insertion enregistrées au cours de la "
               "période avec le soutien du projet. Pourquoi : l'axe ASIS sur les nouveaux modèles d'emploi "
               "désigne ces formes pour créer un travail qui reste sur le territoire."),
        "de": ("Gegründete Genossenschaften und Sozialunternehmen",
               "Genossenschaften, Gemeinschaftsunternehmen oder Sozialunternehmen der Arbeitsintegration, die im "
               "Zeitraum mit Unterstützung des Projekts eingetragen wurden. Warum: Die ASIS-Achse zu neuen "
               "Beschäftigungsmodellen nennt diese Formen, um Arbeit zu schaffen, die in der Region bleibt."),
        "it": ("Cooperative e imprese sociali costituite",
               "Cooperative, imprese di comunità o imprese sociali di inserimento lavorativo registrate nel "
               "periodo con il sostegno del progetto. Perché: l'asse ASIS sui nuovi modelli di occupazione indica "
               "queste forme per creare lavoro che resta sul territorio."),
        "sl": ("Ustanovljene zadruge in socialna podjetja",
               "Zadruge, skupnostna podjetja ali socialna podjetja za delovno vključevanje, registrirana v "
               "obdobju s podporo projekta. Zakaj: os ASIS o novih modelih zaposlovanja navaja te oblike za "
               "ustvarjanje dela, ki ostane na območju."),
    }),
    _asis("asis-care-hours", "output", "hours", {
        "disaggregations": ["sex", "age_band", "region", "target_group"], "data_source": "Service logs",
        "challenges": ["care-services", "ageing"], "sdg_targets": ["3.8"]}, {
        "en": ("Hours of care and support delivered close to home",
               "Hours of health, care or social support delivered where people live (at home, in the village or "
               "by a mobile service) during the period. Why: the ASIS care challenge is distance and overstretched "
               "services; hours delivered locally measure what reaches people."),
        "fr": ("Heures de soins et d'accompagnement fournies à proximité du domicile",
               "Heures de santé, de soins ou d'accompagnement social fournies là où vivent les personnes (à "
               "domicile, au village ou par un service mobile) au cours de la période. Pourquoi : le défi des "
               "soins d'ASIS est la distance et la saturation ; les heures fournies sur place mesurent ce qui "
               "atteint les personnes."),
        "de": ("Wohnortnah erbrachte Stunden an Pflege und Unterstützung",
               "Stunden an Gesundheits-, Pflege- oder sozialer Unterstützung, die im Zeitraum dort erbracht "
               "wurden, wo Menschen leben (zu Hause, im Dorf oder mobil). Warum: Die ASIS-Herausforderung Pflege "
               "sind weite Wege und überlastete Dienste; vor Ort erbrachte Stunden messen, was ankommt."),
        "it": ("Ore di cura e sostegno erogate vicino a casa",
               "Ore di assistenza sanitaria, di cura o sociale erogate dove le persone vivono (a domicilio, in "
               "paese o con un servizio mobile) nel periodo. Perché: la sfida della cura di ASIS sono le distanze "
               "e i servizi sovraccarichi; le ore erogate sul posto misurano ciò che arriva alle persone."),
        "sl": ("Ure oskrbe in podpore, opravljene blizu doma",
               "Ure zdravstvene, negovalne ali socialne podpore, opravljene tam, kjer ljudje živijo (na domu, v "
               "vasi ali z mobilno službo), v obdobju. Zakaj: izziv oskrbe ASIS so razdalje in preobremenjene "
               "službe; ure na terenu merijo, kar doseže ljudi."),
    }),
    _asis("asis-living-at-home", "result", "persons", {
        "disaggregations": ["sex", "age_band", "region"], "data_source": "Service logs",
        "challenges": ["ageing", "care-services"], "sdg_targets": ["3.8", "10.2"]}, {
        "en": ("Older people supported to keep living at home",
               "People aged 65 or over who received the project's support in the period and still live in their "
               "own home at its end. Why: most older people wish to age at home, and moving into residential care "
               "is the costly outcome the ASIS care services aim to delay."),
        "fr": ("Personnes âgées aidées à rester à domicile",
               "Personnes de 65 ans ou plus aidées par le projet au cours de la période et vivant toujours chez "
               "elles à la fin. Pourquoi : la plupart des personnes âgées souhaitent vieillir chez elles, et "
               "l'entrée en établissement est l'issue coûteuse que les services de soins d'ASIS visent à "
               "retarder."),
        "de": ("Ältere Menschen, die dank Unterstützung zu Hause wohnen bleiben",
               "Menschen ab 65 Jahren, die im Zeitraum vom Projekt unterstützt wurden und an seinem Ende noch in "
               "der eigenen Wohnung leben. Warum: Die meisten Älteren möchten zu Hause alt werden, und der Umzug "
               "ins Heim ist das teure Ergebnis, das die ASIS-Pflegedienste hinauszögern wollen."),
        "it": ("Anziani aiutati a continuare a vivere a casa",
               "Persone di 65 anni o più sostenute dal progetto nel periodo che alla fine vivono ancora nella "
               "propria casa. Perché: la maggior parte degli anziani desidera invecchiare a casa, e l'ingresso in "
               "struttura è l'esito costoso che i servizi di cura ASIS mirano a ritardare."),
        "sl": ("Starejši, ki s podporo ostanejo doma",
               "Osebe, stare 65 let ali več, ki jim je projekt v obdobju pomagal in ob koncu še živijo doma. "
               "Zakaj: večina starejših se želi starati doma, preselitev v dom pa je drag izid, ki ga storitve "
               "oskrbe ASIS skušajo odložiti."),
    }),
    _asis("asis-carers-supported", "output", "persons", {
        "disaggregations": ["sex", "age_band", "region"], "data_source": "Participant records",
        "challenges": ["care-services", "ageing", "gender-equality"], "sdg_targets": ["5.4"]}, {
        "en": ("Informal carers supported",
               "Family members, neighbours or friends caring without pay who received respite, training or "
               "counselling from the project in the period, each counted once. Why: most care for older people "
               "is given informally, mostly by women, and it breaks down when carers are left alone."),
        "fr": ("Aidants informels soutenus",
               "Proches, voisins ou amis aidant sans rémunération qui ont reçu répit, formation ou conseil du "
               "projet au cours de la période, chacun compté une fois. Pourquoi : l'essentiel de l'aide aux "
               "personnes âgées est informel, surtout assuré par des femmes, et s'effondre quand les aidants sont "
               "seuls."),
        "de": ("Unterstützte pflegende Angehörige",
               "Angehörige, Nachbarn oder Freunde, die unbezahlt pflegen und im Zeitraum Entlastung, Schulung "
               "oder Beratung vom Projekt erhielten, jeweils einmal gezählt. Warum: Der Großteil der Pflege "
               "Älterer wird informell geleistet, meist von Frauen, und bricht zusammen, wenn Pflegende allein "
               "bleiben."),
        "it": ("Caregiver familiari sostenuti",
               "Familiari, vicini o amici che assistono senza retribuzione e hanno ricevuto sollievo, formazione "
               "o consulenza dal progetto nel periodo, ciascuno contato una volta. Perché: gran parte "
               "dell'assistenza agli anziani è informale, soprattutto femminile, e crolla quando chi assiste "
               "resta solo."),
        "sl": ("Podprti neformalni oskrbovalci",
               "Svojci, sosedje ali prijatelji, ki oskrbujejo brez plačila in so v obdobju od projekta prejeli "
               "razbremenitev, usposabljanje ali svetovanje; vsak se šteje enkrat. Zakaj: večino oskrbe "
               "starejših opravijo neformalno, večinoma ženske, in se zlomi, ko oskrbovalci ostanejo sami."),
    }),
    _asis("asis-loneliness", "result", "percent", {
        "direction": "lower", "disaggregations": ["sex", "age_band", "region"], "data_source": "Participant survey",
        "frequency": "yearly", "challenges": ["ageing"], "sdg_targets": ["3.4"]}, {
        "en": ("Share of older participants who often feel lonely",
               "Participants aged 65 or over who answer \"most or all of the time\" to \"How much of the time "
               "during the past four weeks have you felt lonely?\" (EU-SILC/EU loneliness survey wording; "
               "numerator), out of those who answered (denominator). Why: isolation is the first harm of ageing "
               "in emptying villages, and a single survey question keeps measurement simple."),
        "fr": ("Part des participants âgés qui se sentent souvent seuls",
               "Participants de 65 ans ou plus qui répondent « la plupart du temps ou tout le temps » à « Au "
               "cours des quatre dernières semaines, combien de temps vous êtes-vous senti seul ? » (formulation "
               "de l'enquête européenne ; numérateur), sur les répondants (dénominateur). Pourquoi : l'isolement "
               "est le premier dommage du vieillissement dans les villages qui se vident, et une seule question "
               "garde la mesure simple."),
        "de": ("Anteil älterer Teilnehmender, die sich oft einsam fühlen",
               "Teilnehmende ab 65 Jahren, die auf „Wie oft haben Sie sich in den letzten vier Wochen einsam "
               "gefühlt?“ mit „meistens oder immer“ antworten (Wortlaut der EU-Erhebung; Zähler), unter den "
               "Antwortenden (Nenner). Warum: Isolation ist der erste Schaden des Alterns in sich leerenden "
               "Dörfern, und eine einzige Frage hält die Messung einfach."),
        "it": ("Quota di partecipanti anziani che si sentono spesso soli",
               "Partecipanti di 65 anni o più che rispondono «per la maggior parte del tempo o sempre» a «Nelle "
               "ultime quattro settimane, per quanto tempo si è sentito solo?» (formulazione dell'indagine UE; "
               "numeratore), sui rispondenti (denominatore). Perché: l'isolamento è il primo danno "
               "dell'invecchiamento nei paesi che si svuotano, e una sola domanda mantiene semplice la misura."),
        "sl": ("Delež starejših udeležencev, ki se pogosto počutijo osamljene",
               "Udeleženci, stari 65 let ali več, ki na vprašanje »Kako pogosto ste se v zadnjih štirih tednih "
               "počutili osamljeni?« odgovorijo »večino časa ali ves čas« (besedilo ankete EU; števec), med "
               "odgovorjenimi (imenovalec). Zakaj: osamljenost je prva škoda staranja v praznečih vaseh, eno "
               "samo vprašanje pa ohranja merjenje preprosto."),
    }),
    _asis("asis-volunteer-hours", "output", "hours", {
        "disaggregations": ["sex", "age_band", "region"], "data_source": "Project records",
        "challenges": ["depopulation-urban-degradation", "ageing"], "sdg_targets": ["11.3"]}, {
        "en": ("Volunteer hours contributed by residents",
               "Hours that residents gave without pay to the project's activities in the period. Why: ASIS "
               "defines social innovation as made with the community; volunteer time shows that participation "
               "and is an input the SROI can value."),
        "fr": ("Heures de bénévolat apportées par les habitants",
               "Heures que les habitants ont consacrées bénévolement aux activités du projet au cours de la "
               "période. Pourquoi : ASIS définit l'innovation sociale comme faite avec la communauté ; le temps "
               "bénévole montre cette participation et constitue un intrant que le SROI peut valoriser."),
        "de": ("Von Einwohnerinnen und Einwohnern geleistete ehrenamtliche Stunden",
               "Stunden, die Einwohnerinnen und Einwohner im Zeitraum unentgeltlich für die Tätigkeiten des "
               "Projekts geleistet haben. Warum: ASIS versteht soziale Innovation als mit der Gemeinschaft "
               "gemacht; ehrenamtliche Zeit zeigt diese Beteiligung und ist ein Input, den der SROI bewerten kann."),
        "it": ("Ore di volontariato prestate dai residenti",
               "Ore che i residenti hanno dedicato gratuitamente alle attività del progetto nel periodo. Perché: "
               "ASIS definisce l'innovazione sociale come fatta con la comunità; il tempo volontario mostra questa "
               "partecipazione ed è un input che lo SROI può valorizzare."),
        "sl": ("Prostovoljske ure prebivalcev",
               "Ure, ki so jih prebivalci v obdobju brezplačno namenili dejavnostim projekta. Zakaj: ASIS "
               "opredeljuje socialne inovacije kot narejene s skupnostjo; prostovoljni čas kaže to sodelovanje "
               "in je vložek, ki ga SROI lahko ovrednoti."),
    }),
    _asis("asis-digital-skills", "result", "persons", {
        "disaggregations": ["sex", "age_band", "region", "target_group"], "data_source": "Participant records",
        "challenges": ["digital-inclusion", "ageing"], "sdg_targets": ["4.4"]}, {
        "en": ("Participants gaining basic digital skills",
               "Participants who, at the end of the support, can do on their own at least one task in each "
               "area of the EU digital competence framework (DigComp) that they could not do before. Why: "
               "services move online while rural and older residents are left out."),
        "fr": ("Participants acquérant des compétences numériques de base",
               "Participants capables, à la fin de l'accompagnement, de réaliser seuls au moins une tâche dans "
               "chaque domaine du cadre européen DigComp qu'ils ne savaient pas faire avant. Pourquoi : les "
               "services passent en ligne tandis que les habitants ruraux et âgés restent à l'écart."),
        "de": ("Teilnehmende, die digitale Grundkompetenzen erwerben",
               "Teilnehmende, die am Ende der Begleitung in jedem Bereich des EU-Kompetenzrahmens DigComp "
               "mindestens eine Aufgabe allein erledigen, die sie vorher nicht konnten. Warum: Dienste wandern "
               "ins Netz, während ländliche und ältere Menschen außen vor bleiben."),
        "it": ("Partecipanti che acquisiscono competenze digitali di base",
               "Partecipanti che alla fine del sostegno sanno svolgere da soli almeno un compito in ciascuna area "
               "del quadro europeo DigComp che prima non sapevano svolgere. Perché: i servizi passano online "
               "mentre i residenti rurali e anziani restano esclusi."),
        "sl": ("Udeleženci, ki pridobijo osnovne digitalne spretnosti",
               "Udeleženci, ki ob koncu podpore sami opravijo vsaj eno nalogo na vsakem področju evropskega "
               "okvira DigComp, ki je prej niso znali. Zakaj: storitve se selijo na splet, prebivalci podeželja "
               "in starejši pa ostajajo zunaj."),
    }),
    _asis("asis-emissions-avoided", "result", "t_co2e", {
        "disaggregations": ["region"], "data_source": "Project records",
        "challenges": ["energy-climate", "mobility"], "sdg_targets": ["13.2", "7.2"]}, {
        "en": ("Greenhouse gas emissions avoided",
               "Tonnes of CO2 equivalent the project's measures avoided in the period compared with the situation "
               "before them (for example shared transport, renovation, local renewable energy), computed with "
               "published emission factors. Why: energy and climate projects in the ASIS regions report savings, "
               "which the SDG total-emissions indicator does not show at project scale."),
        "fr": ("Émissions de gaz à effet de serre évitées",
               "Tonnes d'équivalent CO2 évitées par les mesures du projet au cours de la période par rapport à la "
               "situation antérieure (transport partagé, rénovation, énergie renouvelable locale), calculées avec "
               "des facteurs d'émission publiés. Pourquoi : les projets énergie-climat des régions ASIS "
               "rapportent des économies que l'indicateur ODD des émissions totales ne montre pas à l'échelle "
               "d'un projet."),
        "de": ("Vermiedene Treibhausgasemissionen",
               "Tonnen CO2-Äquivalent, die die Maßnahmen des Projekts im Zeitraum gegenüber dem Zustand davor "
               "vermieden haben (etwa geteilte Mobilität, Sanierung, lokale erneuerbare Energie), berechnet mit "
               "veröffentlichten Emissionsfaktoren. Warum: Energie- und Klimaprojekte in den ASIS-Regionen melden "
               "Einsparungen, die der SDG-Indikator der Gesamtemissionen auf Projektebene nicht zeigt."),
        "it": ("Emissioni di gas serra evitate",
               "Tonnellate di CO2 equivalente evitate dalle misure del progetto nel periodo rispetto alla "
               "situazione precedente (mobilità condivisa, ristrutturazione, energia rinnovabile locale), "
               "calcolate con fattori di emissione pubblicati. Perché: i progetti energia-clima nelle regioni "
               "ASIS riportano risparmi che l'indicatore SDG delle emissioni totali non mostra a livello di "
               "progetto."),
        "sl": ("Preprečene emisije toplogrednih plinov",
               "Tone ekvivalenta CO2, ki so jih ukrepi projekta v obdobju preprečili v primerjavi s stanjem prej "
               "(na primer skupni prevoz, prenova, lokalna obnovljiva energija), izračunane z objavljenimi "
               "emisijskimi faktorji. Zakaj: energetski in podnebni projekti v regijah ASIS poročajo o "
               "prihrankih, ki jih kazalnik SDG skupnih emisij na ravni projekta ne pokaže."),
    }),
]

INDICATORS: list[Spec] = [*ESF, *SDG, *ASIS]

_OPTION_FIELDS = ("is_ratio", "denominator_label", "direction", "aggregation", "values_mode", "frequency",
                  "disaggregations", "data_source", "plausible_min", "plausible_max", "reference", "sdg_targets")


def _translations(texts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    name, definition = texts[ORIGINAL]
    return {lang: {"name": {"text": t_name, "source": _digest(name)},
                   "definition": {"text": t_definition, "source": _digest(definition)}}
            for lang, (t_name, t_definition) in texts.items() if lang != ORIGINAL}


def seed_library(indicator_model: Any, challenge_model: Any) -> int:
    """Create the indicators whose code does not exist yet; never overwrite an administrator's edits.

    Takes the model classes so that the data migration can pass its historical models."""
    created = 0
    challenges = {c.code: c for c in challenge_model.objects.all()}
    for code, source, kind, unit, options, texts in INDICATORS:
        if indicator_model.objects.filter(code=code).exists():
            continue
        name, definition = texts[ORIGINAL]
        fields = {key: options[key] for key in _OPTION_FIELDS if key in options}
        indicator = indicator_model.objects.create(
            code=code, source=source, kind=kind, unit=unit, name=name, definition=definition, status="approved",
            original_language=ORIGINAL, translations=_translations(texts), **fields)
        indicator.challenges.set([challenges[c] for c in options.get("challenges", []) if c in challenges])
        created += 1
    return created
