"""The initial societal challenges and intervention axes, in the five platform languages.

Loaded once by a data migration (0003); administrators edit them afterwards in the Django admin,
so this list is a starting point, not the source of truth. The first three challenges and the
three axes come from the ASIS territorial analysis and logical framework (``from_asis``); the
title of the third axis was not retrieved from the project's documents, so it is named here
after the challenge it answers. SDG numbers are the UN Sustainable Development Goals (1-17).
"""

from __future__ import annotations

from typing import Any

from asis.core.i18n import _digest

ORIGINAL = "en"

# (code, from_asis, sdgs, {language: (name, description)})
CHALLENGES: list[tuple[str, bool, list[int], dict[str, tuple[str, str]]]] = [
    ("depopulation-urban-degradation", True, [11, 10, 8], {
        "en": ("Depopulation of rural and mountain areas and urban degradation",
               "Villages and valleys lose inhabitants, shops and services, while some urban districts decline."),
        "fr": ("Dépeuplement des zones rurales et de montagne et dégradation urbaine",
               "Villages et vallées perdent habitants, commerces et services, tandis que certains quartiers "
               "urbains se dégradent."),
        "de": ("Abwanderung aus ländlichen und Berggebieten und Verfall städtischer Quartiere",
               "Dörfer und Täler verlieren Einwohner, Läden und Dienste, während manche Stadtviertel verfallen."),
        "it": ("Spopolamento delle aree rurali e montane e degrado urbano",
               "Paesi e valli perdono abitanti, negozi e servizi, mentre alcuni quartieri urbani si degradano."),
        "sl": ("Odseljevanje s podeželja in iz gorskih območij ter propadanje mest",
               "Vasi in doline izgubljajo prebivalce, trgovine in storitve, nekatere mestne četrti pa propadajo."),
    }),
    ("unemployment", True, [8, 1, 4], {
        "en": ("Unemployment", "Too few jobs, or jobs that do not match the skills and lives of local people."),
        "fr": ("Chômage", "Trop peu d'emplois, ou des emplois qui ne correspondent ni aux compétences ni à la vie "
               "des habitants."),
        "de": ("Arbeitslosigkeit", "Zu wenige Arbeitsplätze oder Stellen, die nicht zu den Fähigkeiten und "
               "Lebensumständen der Menschen vor Ort passen."),
        "it": ("Disoccupazione", "Pochi posti di lavoro, o lavori che non corrispondono alle competenze e alla "
               "vita delle persone del luogo."),
        "sl": ("Brezposelnost", "Premalo delovnih mest ali delo, ki ne ustreza znanju in življenju domačinov."),
    }),
    ("care-services", True, [3, 10], {
        "en": ("Lack of health and social care services",
               "Doctors, nursing, childcare and social services are far away, overstretched or missing."),
        "fr": ("Manque de services de santé et d'action sociale",
               "Médecins, soins infirmiers, garde d'enfants et services sociaux sont éloignés, saturés ou absents."),
        "de": ("Fehlende Gesundheits- und Sozialdienste",
               "Ärztinnen, Pflege, Kinderbetreuung und soziale Dienste sind weit weg, überlastet oder fehlen."),
        "it": ("Carenza di servizi sanitari e socio-assistenziali",
               "Medici, assistenza infermieristica, servizi per l'infanzia e servizi sociali sono lontani, "
               "sovraccarichi o assenti."),
        "sl": ("Pomanjkanje zdravstvenih in socialnih storitev",
               "Zdravniki, nega, varstvo otrok in socialne službe so daleč, preobremenjeni ali jih ni."),
    }),
    ("ageing", False, [3, 10], {
        "en": ("Ageing population", "More older people living alone, and fewer people of working age to support them."),
        "fr": ("Vieillissement de la population",
               "Davantage de personnes âgées vivant seules, et moins d'actifs pour les soutenir."),
        "de": ("Alternde Bevölkerung",
               "Mehr ältere Menschen, die allein leben, und weniger Menschen im Erwerbsalter, die sie unterstützen."),
        "it": ("Invecchiamento della popolazione",
               "Più anziani che vivono soli e meno persone in età lavorativa per sostenerli."),
        "sl": ("Staranje prebivalstva", "Več starejših, ki živijo sami, in manj ljudi v delovni dobi, ki bi jih podpirali."),
    }),
    ("migrant-inclusion", False, [10, 8, 16], {
        "en": ("Social inclusion of migrants and refugees",
               "Newcomers need language, work, housing and a place in local community life."),
        "fr": ("Inclusion sociale des migrants et des réfugiés",
               "Les nouveaux arrivants ont besoin de la langue, d'un travail, d'un logement et d'une place dans "
               "la vie locale."),
        "de": ("Soziale Inklusion von Zugewanderten und Geflüchteten",
               "Neu Angekommene brauchen Sprache, Arbeit, Wohnung und einen Platz im Gemeindeleben."),
        "it": ("Inclusione sociale di migranti e rifugiati",
               "I nuovi arrivati hanno bisogno di lingua, lavoro, casa e di un posto nella vita della comunità."),
        "sl": ("Socialno vključevanje migrantov in beguncev",
               "Novi prebivalci potrebujejo jezik, delo, stanovanje in mesto v življenju skupnosti."),
    }),
    ("housing", False, [11, 1], {
        "en": ("Affordable housing", "Homes are too expensive, empty, or used only a few weeks a year."),
        "fr": ("Logement abordable", "Les logements sont trop chers, vacants ou occupés quelques semaines par an."),
        "de": ("Bezahlbarer Wohnraum", "Wohnungen sind zu teuer, stehen leer oder werden nur wenige Wochen im Jahr genutzt."),
        "it": ("Casa a prezzi accessibili", "Le case sono troppo care, vuote o abitate solo poche settimane all'anno."),
        "sl": ("Dostopna stanovanja", "Stanovanja so predraga, prazna ali zasedena le nekaj tednov na leto."),
    }),
    ("mobility", False, [11, 9], {
        "en": ("Mobility and access to services",
               "Without a car, reaching work, school, shops or a doctor is hard in many valleys."),
        "fr": ("Mobilité et accès aux services",
               "Sans voiture, se rendre au travail, à l'école, aux commerces ou chez le médecin est difficile "
               "dans bien des vallées."),
        "de": ("Mobilität und Zugang zu Diensten",
               "Ohne Auto sind Arbeit, Schule, Läden oder Arztpraxis in vielen Tälern schwer erreichbar."),
        "it": ("Mobilità e accesso ai servizi",
               "Senza auto, in molte valli è difficile raggiungere lavoro, scuola, negozi o medico."),
        "sl": ("Mobilnost in dostop do storitev",
               "Brez avtomobila je v mnogih dolinah težko priti do službe, šole, trgovine ali zdravnika."),
    }),
    ("energy-climate", False, [7, 13], {
        "en": ("Energy poverty and climate adaptation",
               "Households struggle to heat their homes, and communities must adapt to a changing climate."),
        "fr": ("Précarité énergétique et adaptation au climat",
               "Des ménages peinent à se chauffer et les communautés doivent s'adapter au changement climatique."),
        "de": ("Energiearmut und Klimaanpassung",
               "Haushalte können ihre Wohnung kaum heizen, und Gemeinden müssen sich an den Klimawandel anpassen."),
        "it": ("Povertà energetica e adattamento climatico",
               "Le famiglie faticano a riscaldare la casa e le comunità devono adattarsi al clima che cambia."),
        "sl": ("Energetska revščina in prilagajanje podnebnim spremembam",
               "Gospodinjstva težko ogrevajo domove, skupnosti pa se morajo prilagoditi spremenjenemu podnebju."),
    }),
    ("education-skills", False, [4], {
        "en": ("Education and skills", "Access to schools, training and lifelong learning close to home."),
        "fr": ("Éducation et compétences", "Accès à l'école, à la formation et à l'apprentissage tout au long de "
               "la vie près de chez soi."),
        "de": ("Bildung und Kompetenzen", "Zugang zu Schulen, Ausbildung und lebenslangem Lernen in Wohnortnähe."),
        "it": ("Istruzione e competenze", "Accesso a scuola, formazione e apprendimento permanente vicino a casa."),
        "sl": ("Izobraževanje in znanje", "Dostop do šol, usposabljanja in vseživljenjskega učenja blizu doma."),
    }),
    ("youth", False, [4, 8], {
        "en": ("Young people's prospects", "Young people leave when they see no work, housing or voice where they grew up."),
        "fr": ("Perspectives des jeunes",
               "Les jeunes partent quand ils ne trouvent ni travail, ni logement, ni voix là où ils ont grandi."),
        "de": ("Perspektiven junger Menschen",
               "Junge Menschen gehen weg, wenn sie dort, wo sie aufgewachsen sind, weder Arbeit noch Wohnung noch "
               "Mitsprache finden."),
        "it": ("Prospettive dei giovani",
               "I giovani se ne vanno quando dove sono cresciuti non trovano lavoro, casa né voce."),
        "sl": ("Priložnosti za mlade",
               "Mladi odhajajo, ko tam, kjer so odraščali, ne najdejo dela, stanovanja ali besede pri odločitvah."),
    }),
    ("gender-equality", False, [5, 8], {
        "en": ("Gender equality", "Unequal pay, care burdens and access to leadership between women and men."),
        "fr": ("Égalité femmes-hommes",
               "Inégalités de salaire, de charge de soins et d'accès aux responsabilités entre femmes et hommes."),
        "de": ("Gleichstellung der Geschlechter",
               "Ungleiche Bezahlung, Sorgearbeit und Zugang zu Führungsrollen zwischen Frauen und Männern."),
        "it": ("Parità di genere",
               "Disuguaglianze tra donne e uomini nella retribuzione, nel lavoro di cura e nell'accesso a ruoli "
               "di responsabilità."),
        "sl": ("Enakost spolov", "Neenako plačilo, skrbstveno delo in dostop do vodilnih mest med ženskami in moškimi."),
    }),
    ("digital-inclusion", False, [9, 4, 10], {
        "en": ("Digital inclusion", "Slow networks and missing skills keep people away from online services and work."),
        "fr": ("Inclusion numérique",
               "Des réseaux lents et un manque de compétences éloignent les gens des services et du travail en ligne."),
        "de": ("Digitale Teilhabe",
               "Langsame Netze und fehlende Kenntnisse halten Menschen von Online-Diensten und -Arbeit fern."),
        "it": ("Inclusione digitale",
               "Reti lente e competenze mancanti tengono le persone lontane dai servizi e dal lavoro online."),
        "sl": ("Digitalna vključenost",
               "Počasna omrežja in pomanjkanje znanja ljudi oddaljujejo od spletnih storitev in dela."),
    }),
    ("food-systems", False, [2, 12], {
        "en": ("Local food systems", "Small farms close, and fresh local food is hard to find or afford."),
        "fr": ("Systèmes alimentaires locaux",
               "Les petites fermes ferment et les produits frais locaux sont rares ou chers."),
        "de": ("Regionale Lebensmittelsysteme",
               "Kleine Höfe geben auf, frische regionale Lebensmittel sind schwer zu finden oder zu teuer."),
        "it": ("Sistemi alimentari locali",
               "Le piccole aziende agricole chiudono e il cibo fresco locale è difficile da trovare o costoso."),
        "sl": ("Lokalni prehranski sistemi",
               "Male kmetije se zapirajo, svežo lokalno hrano pa je težko najti ali je predraga."),
    }),
]

AXES: list[tuple[str, bool, list[int], dict[str, tuple[str, str]]]] = [
    ("local-communities", True, [11, 10], {
        "en": ("Strengthen local communities",
               "Keep rural and mountain areas liveable and regenerate urban areas with their residents."),
        "fr": ("Renforcer les communautés locales",
               "Garder les zones rurales et de montagne vivables et régénérer les quartiers urbains avec leurs "
               "habitants."),
        "de": ("Lokale Gemeinschaften stärken",
               "Ländliche und Berggebiete lebenswert halten und Stadtquartiere mit ihren Bewohnern erneuern."),
        "it": ("Rafforzare le comunità locali",
               "Mantenere vivibili le aree rurali e montane e rigenerare le aree urbane con i loro abitanti."),
        "sl": ("Krepitev lokalnih skupnosti",
               "Ohranjati podeželje in gorska območja prijazna za življenje in s prebivalci prenavljati mestna "
               "območja."),
    }),
    ("employment-models", True, [8, 4], {
        "en": ("New employment and occupational models",
               "New ways of working and creating jobs: cooperatives, shared workspaces, multi-activity, "
               "work integration."),
        "fr": ("Nouveaux modèles d'emploi et d'activité",
               "De nouvelles façons de travailler et de créer des emplois : coopératives, espaces partagés, "
               "pluriactivité, insertion par l'activité."),
        "de": ("Neue Beschäftigungs- und Arbeitsmodelle",
               "Neue Formen von Arbeit und Beschäftigung: Genossenschaften, geteilte Arbeitsräume, "
               "Mehrfachbeschäftigung, Arbeitsintegration."),
        "it": ("Nuovi modelli di occupazione e di lavoro",
               "Nuovi modi di lavorare e di creare occupazione: cooperative, spazi condivisi, pluriattività, "
               "inserimento lavorativo."),
        "sl": ("Novi modeli zaposlovanja in dela",
               "Novi načini dela in ustvarjanja delovnih mest: zadruge, skupni delovni prostori, več dejavnosti, "
               "delovno vključevanje."),
    }),
    ("care-close-to-people", True, [3, 10], {
        "en": ("Care and health services close to people",
               "Bring health, care and social services to where people live, with the community taking part."),
        "fr": ("Des services de soins et de santé proches des gens",
               "Rapprocher la santé, les soins et les services sociaux des lieux de vie, avec la participation "
               "de la communauté."),
        "de": ("Pflege- und Gesundheitsdienste nah an den Menschen",
               "Gesundheit, Pflege und soziale Dienste dorthin bringen, wo Menschen leben, unter Mitwirkung der "
               "Gemeinschaft."),
        "it": ("Servizi di cura e salute vicini alle persone",
               "Portare salute, cura e servizi sociali dove le persone vivono, con la partecipazione della comunità."),
        "sl": ("Oskrba in zdravstvo blizu ljudi",
               "Zdravstvene, negovalne in socialne storitve približati ljudem tam, kjer živijo, ob sodelovanju "
               "skupnosti."),
    }),
]


def _translations(texts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    name, description = texts[ORIGINAL]
    return {
        lang: {"name": {"text": t_name, "source": _digest(name)},
               "description": {"text": t_description, "source": _digest(description)}}
        for lang, (t_name, t_description) in texts.items() if lang != ORIGINAL
    }


def seed_taxonomies(challenge_model: Any, axis_model: Any) -> int:
    """Create the terms that do not exist yet (by code); never overwrite an administrator's edits.

    Takes the model classes so that the data migration can pass its historical models.
    """
    created = 0
    for model, terms in ((challenge_model, CHALLENGES), (axis_model, AXES)):
        for position, (code, from_asis, sdgs, texts) in enumerate(terms, start=1):
            name, description = texts[ORIGINAL]
            _obj, was_created = model.objects.get_or_create(code=code, defaults={
                "name": name, "description": description, "sdgs": sdgs, "from_asis": from_asis,
                "position": position * 10, "original_language": ORIGINAL, "translations": _translations(texts),
            })
            created += was_created
    return created
