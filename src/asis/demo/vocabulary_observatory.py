"""Words for demo initiatives, per language. Invented; any likeness to a real initiative is chance.

Each theme gives title patterns and a summary per language; ``{place}`` is the region's name and
``{group}`` a target group. The same theme and pattern index give the same initiative in every
language, so demo translations are real translations of each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    challenges: tuple[str, ...]
    axes: tuple[str, ...]
    titles: dict[str, tuple[str, ...]]
    summary: dict[str, str]
    need: dict[str, str]


THEMES: tuple[Theme, ...] = (
    Theme(("care-services", "ageing"), ("care-close-to-people",), {
        "en": ("Community care cooperative – {place}", "Neighbours caring for neighbours – {place}",
               "Care at home in the valleys – {place}"),
        "fr": ("Coopérative de soins de proximité – {place}", "Voisins solidaires pour le soin – {place}",
               "Soins à domicile dans les vallées – {place}"),
        "de": ("Pflegegenossenschaft im Dorf – {place}", "Nachbarschaftshilfe für Pflege – {place}",
               "Pflege daheim in den Tälern – {place}"),
        "it": ("Cooperativa di cura di comunità – {place}", "Vicini che si prendono cura – {place}",
               "Assistenza a domicilio nelle valli – {place}"),
        "sl": ("Skupnostna zadruga za oskrbo – {place}", "Sosedje skrbijo za sosede – {place}",
               "Oskrba na domu v dolinah – {place}"),
    }, {
        "en": "Trained volunteers and professional carers help {group} in {place} to live at home for longer.",
        "fr": "Des bénévoles formés et des soignants professionnels aident {group} de {place} à vivre "
              "plus longtemps chez eux.",
        "de": "Geschulte Freiwillige und Pflegefachkräfte helfen {group} in {place}, länger zu Hause zu leben.",
        "it": "Volontari formati e operatori professionali aiutano {group} di {place} a vivere più a lungo a casa.",
        "sl": "Usposobljeni prostovoljci in poklicni negovalci pomagajo, da {group} v regiji {place} dlje "
              "živijo doma.",
    }, {
        "en": "older people in remote villages wait weeks for care", "fr": "les personnes âgées des villages "
        "isolés attendent des semaines pour être soignées", "de": "ältere Menschen in entlegenen Dörfern warten "
        "wochenlang auf Pflege", "it": "gli anziani dei paesi isolati aspettano settimane per essere assistiti",
        "sl": "starejši v odročnih vaseh tedne čakajo na oskrbo",
    }),
    Theme(("depopulation-urban-degradation", "food-systems"), ("local-communities",), {
        "en": ("Village shop run by its residents – {place}", "Community grocery and meeting place – {place}",
               "Local produce corner – {place}"),
        "fr": ("Épicerie de village gérée par les habitants – {place}", "Épicerie et lieu de rencontre – {place}",
               "Comptoir des produits locaux – {place}"),
        "de": ("Dorfladen in Bürgerhand – {place}", "Nahversorger und Treffpunkt – {place}",
               "Regionalecke im Dorf – {place}"),
        "it": ("Bottega di paese gestita dagli abitanti – {place}", "Emporio e luogo d'incontro – {place}",
               "Angolo dei prodotti locali – {place}"),
        "sl": ("Vaška trgovina v rokah prebivalcev – {place}", "Trgovina in prostor srečevanja – {place}",
               "Kotiček lokalnih pridelkov – {place}"),
    }, {
        "en": "Residents of {place} reopened the last shop as a cooperative, with local produce and a café "
              "for {group}.",
        "fr": "Les habitants de {place} ont rouvert le dernier commerce en coopérative, avec des produits "
              "locaux et un café pour {group}.",
        "de": "Bewohnerinnen und Bewohner in {place} haben den letzten Laden als Genossenschaft wieder "
              "eröffnet, mit regionalen Produkten und einem Café für {group}.",
        "it": "Gli abitanti di {place} hanno riaperto l'ultimo negozio come cooperativa, con prodotti locali "
              "e un bar per {group}.",
        "sl": "Prebivalci regije {place} so zadnjo trgovino znova odprli kot zadrugo, z lokalnimi pridelki in "
              "kavarno za {group}.",
    }, {
        "en": "the last shop closed and people drive an hour for groceries", "fr": "le dernier commerce a fermé "
        "et il faut une heure de route pour faire ses courses", "de": "der letzte Laden hat geschlossen und "
        "man fährt eine Stunde zum Einkaufen", "it": "l'ultimo negozio ha chiuso e serve un'ora di auto per "
        "fare la spesa", "sl": "zadnja trgovina se je zaprla in do nakupov je uro vožnje",
    }),
    Theme(("unemployment", "migrant-inclusion"), ("employment-models",), {
        "en": ("Work integration workshop – {place}", "Second chance for jobseekers – {place}",
               "Repair and reuse social enterprise – {place}"),
        "fr": ("Atelier d'insertion par le travail – {place}", "Deuxième chance pour l'emploi – {place}",
               "Entreprise sociale de réparation et réemploi – {place}"),
        "de": ("Werkstatt für Arbeitsintegration – {place}", "Zweite Chance für Arbeitsuchende – {place}",
               "Sozialbetrieb für Reparatur und Wiederverwendung – {place}"),
        "it": ("Laboratorio di inserimento lavorativo – {place}", "Seconda opportunità per chi cerca lavoro – "
               "{place}", "Impresa sociale di riparazione e riuso – {place}"),
        "sl": ("Delavnica za delovno vključevanje – {place}", "Druga priložnost za iskalce zaposlitve – {place}",
               "Socialno podjetje za popravila in ponovno uporabo – {place}"),
    }, {
        "en": "A social enterprise in {place} offers paid work, training and coaching to {group}.",
        "fr": "Une entreprise sociale de {place} propose un emploi rémunéré, une formation et un "
              "accompagnement à {group}.",
        "de": "Ein Sozialunternehmen in {place} bietet {group} bezahlte Arbeit, Ausbildung und Begleitung.",
        "it": "Un'impresa sociale di {place} offre lavoro retribuito, formazione e accompagnamento a {group}.",
        "sl": "Socialno podjetje v regiji {place} ponuja plačano delo, usposabljanje in mentorstvo za {group}.",
    }, {
        "en": "long-term jobseekers and newcomers find no way into work", "fr": "les chômeurs de longue durée et "
        "les nouveaux arrivants ne trouvent pas d'emploi", "de": "Langzeitarbeitslose und Zugewanderte finden "
        "keinen Weg in Arbeit", "it": "i disoccupati di lunga durata e i nuovi arrivati non trovano lavoro",
        "sl": "dolgotrajno brezposelni in priseljenci ne najdejo poti do dela",
    }),
    Theme(("mobility", "depopulation-urban-degradation"), ("local-communities",), {
        "en": ("Village car sharing – {place}", "On-demand bus for the valleys – {place}",
               "Volunteer drivers network – {place}"),
        "fr": ("Autopartage villageois – {place}", "Bus à la demande pour les vallées – {place}",
               "Réseau de conducteurs bénévoles – {place}"),
        "de": ("Carsharing im Dorf – {place}", "Rufbus für die Täler – {place}",
               "Netzwerk ehrenamtlicher Fahrdienste – {place}"),
        "it": ("Auto condivisa di paese – {place}", "Bus a chiamata per le valli – {place}",
               "Rete di autisti volontari – {place}"),
        "sl": ("Vaški souporabniški avto – {place}", "Prevoz na klic za doline – {place}",
               "Mreža prostovoljnih voznikov – {place}"),
    }, {
        "en": "Shared cars and volunteer drivers take {group} in {place} to work, school and the doctor.",
        "fr": "Voitures partagées et conducteurs bénévoles emmènent {group} de {place} au travail, à l'école "
              "et chez le médecin.",
        "de": "Geteilte Autos und ehrenamtliche Fahrer bringen {group} in {place} zur Arbeit, zur Schule und "
              "zum Arzt.",
        "it": "Auto condivise e autisti volontari portano {group} di {place} al lavoro, a scuola e dal medico.",
        "sl": "Souporabniški avtomobili in prostovoljni vozniki vozijo {group} v regiji {place} na delo, v "
              "šolo in k zdravniku.",
    }, {
        "en": "without a car there is no way to reach work or a doctor", "fr": "sans voiture, impossible "
        "d'aller au travail ou chez le médecin", "de": "ohne Auto sind Arbeit und Arzt nicht erreichbar",
        "it": "senza auto non si raggiungono il lavoro o il medico", "sl": "brez avtomobila ni mogoče priti "
        "do dela ali zdravnika",
    }),
    Theme(("unemployment", "youth", "digital-inclusion"), ("employment-models",), {
        "en": ("Mountain coworking space – {place}", "Remote work hub in the old school – {place}",
               "Young makers lab – {place}"),
        "fr": ("Espace de coworking en montagne – {place}", "Tiers-lieu dans l'ancienne école – {place}",
               "Atelier des jeunes créateurs – {place}"),
        "de": ("Coworking im Bergdorf – {place}", "Arbeitsort in der alten Schule – {place}",
               "Werkstatt für junge Macherinnen und Macher – {place}"),
        "it": ("Coworking di montagna – {place}", "Spazio di lavoro nella vecchia scuola – {place}",
               "Laboratorio dei giovani artigiani – {place}"),
        "sl": ("Gorski coworking prostor – {place}", "Delovno središče v stari šoli – {place}",
               "Laboratorij mladih ustvarjalcev – {place}"),
    }, {
        "en": "A former school in {place} is now a shared workplace with fast internet, where {group} "
              "start and grow their activities.",
        "fr": "Une ancienne école de {place} est devenue un lieu de travail partagé avec une connexion rapide, "
              "où {group} lancent et développent leurs activités.",
        "de": "Eine ehemalige Schule in {place} ist heute ein geteilter Arbeitsort mit schnellem Internet, an "
              "dem {group} ihre Tätigkeit aufbauen.",
        "it": "Una ex scuola di {place} è ora uno spazio di lavoro condiviso con internet veloce, dove {group} "
              "avviano e fanno crescere le loro attività.",
        "sl": "Nekdanja šola v regiji {place} je zdaj skupni delovni prostor s hitrim internetom, kjer {group} "
              "začenjajo in razvijajo svoje dejavnosti.",
    }, {
        "en": "young people leave because there is nowhere to work", "fr": "les jeunes partent faute de lieu "
        "où travailler", "de": "junge Menschen gehen weg, weil es keinen Arbeitsort gibt", "it": "i giovani "
        "se ne vanno perché non c'è un posto dove lavorare", "sl": "mladi odhajajo, ker ni prostora za delo",
    }),
    Theme(("housing", "youth"), ("local-communities",), {
        "en": ("Empty houses for young families – {place}", "Cooperative housing in the old centre – {place}",
               "Homes for seasonal workers – {place}"),
        "fr": ("Maisons vacantes pour jeunes familles – {place}", "Habitat coopératif en centre ancien – {place}",
               "Logements pour saisonniers – {place}"),
        "de": ("Leerstand für junge Familien – {place}", "Genossenschaftliches Wohnen im Ortskern – {place}",
               "Wohnraum für Saisonkräfte – {place}"),
        "it": ("Case vuote per giovani famiglie – {place}", "Abitare cooperativo nel centro storico – {place}",
               "Alloggi per lavoratori stagionali – {place}"),
        "sl": ("Prazne hiše za mlade družine – {place}", "Zadružno bivanje v starem jedru – {place}",
               "Stanovanja za sezonske delavce – {place}"),
    }, {
        "en": "Owners, the municipality and a housing cooperative in {place} renovate empty buildings as "
              "affordable homes for {group}.",
        "fr": "Propriétaires, commune et coopérative d'habitat de {place} rénovent des bâtiments vides en "
              "logements abordables pour {group}.",
        "de": "Eigentümer, Gemeinde und eine Wohnbaugenossenschaft in {place} sanieren leere Gebäude zu "
              "bezahlbaren Wohnungen für {group}.",
        "it": "Proprietari, comune e una cooperativa edilizia di {place} ristrutturano edifici vuoti come case "
              "accessibili per {group}.",
        "sl": "Lastniki, občina in stanovanjska zadruga v regiji {place} prenavljajo prazne stavbe v dostopna "
              "stanovanja za {group}.",
    }, {
        "en": "houses stand empty while young families cannot find a home", "fr": "des maisons restent vides "
        "alors que les jeunes familles ne trouvent pas de logement", "de": "Häuser stehen leer, während junge "
        "Familien keine Wohnung finden", "it": "le case restano vuote mentre le giovani famiglie non trovano "
        "casa", "sl": "hiše so prazne, mlade družine pa ne najdejo doma",
    }),
    Theme(("energy-climate",), ("local-communities",), {
        "en": ("Citizen energy community – {place}", "Warm homes advice service – {place}",
               "Solar roofs shared by the village – {place}"),
        "fr": ("Communauté énergétique citoyenne – {place}", "Conseil pour des logements chauds – {place}",
               "Toits solaires partagés par le village – {place}"),
        "de": ("Bürgerenergiegemeinschaft – {place}", "Beratung für warme Wohnungen – {place}",
               "Gemeinsame Solardächer im Dorf – {place}"),
        "it": ("Comunità energetica dei cittadini – {place}", "Sportello per case calde – {place}",
               "Tetti solari condivisi dal paese – {place}"),
        "sl": ("Državljanska energetska skupnost – {place}", "Svetovanje za tople domove – {place}",
               "Skupne sončne strehe vasi – {place}"),
    }, {
        "en": "Households in {place} share solar power and get free advice, so that {group} can heat their "
              "homes for less.",
        "fr": "Les ménages de {place} partagent l'électricité solaire et reçoivent des conseils gratuits pour "
              "que {group} se chauffent à moindre coût.",
        "de": "Haushalte in {place} teilen Solarstrom und erhalten kostenlose Beratung, damit {group} günstiger "
              "heizen können.",
        "it": "Le famiglie di {place} condividono energia solare e ricevono consulenza gratuita, perché {group} "
              "possano scaldarsi spendendo meno.",
        "sl": "Gospodinjstva v regiji {place} si delijo sončno elektriko in dobijo brezplačne nasvete, da lahko "
              "{group} ceneje ogrevajo domove.",
    }, {
        "en": "many households cannot afford to heat their homes", "fr": "beaucoup de ménages n'ont pas les "
        "moyens de se chauffer", "de": "viele Haushalte können sich das Heizen nicht leisten", "it": "molte "
        "famiglie non possono permettersi di scaldare la casa", "sl": "mnoga gospodinjstva si ne morejo "
        "privoščiti ogrevanja",
    }),
    Theme(("digital-inclusion", "ageing"), ("care-close-to-people",), {
        "en": ("Digital helpers for older people – {place}", "Internet café for all generations – {place}",
               "Online services made easy – {place}"),
        "fr": ("Aidants numériques pour les aînés – {place}", "Café internet intergénérationnel – {place}",
               "Démarches en ligne facilitées – {place}"),
        "de": ("Digitale Helfer für Ältere – {place}", "Internetcafé für alle Generationen – {place}",
               "Online-Dienste leicht gemacht – {place}"),
        "it": ("Facilitatori digitali per anziani – {place}", "Internet café per tutte le generazioni – {place}",
               "Servizi online resi semplici – {place}"),
        "sl": ("Digitalni pomočniki za starejše – {place}", "Internetna kavarna za vse generacije – {place}",
               "Preproste spletne storitve – {place}"),
    }, {
        "en": "Students in {place} help {group} use video calls, online banking and health services.",
        "fr": "Des étudiants de {place} aident {group} à utiliser la visioconférence, la banque en ligne et "
              "les services de santé.",
        "de": "Schülerinnen und Schüler in {place} helfen {group} bei Videotelefonie, Online-Banking und "
              "Gesundheitsdiensten.",
        "it": "Studenti di {place} aiutano {group} a usare videochiamate, banca online e servizi sanitari.",
        "sl": "Dijaki v regiji {place} pomagajo, da {group} uporabljajo video klice, spletno banko in "
              "zdravstvene storitve.",
    }, {
        "en": "public services move online and leave many people behind", "fr": "les services publics passent "
        "en ligne et laissent beaucoup de gens de côté", "de": "öffentliche Dienste wandern ins Netz und "
        "lassen viele zurück", "it": "i servizi pubblici passano online e lasciano indietro molte persone",
        "sl": "javne storitve se selijo na splet in mnoge pustijo ob strani",
    }),
    Theme(("care-services",), ("care-close-to-people",), {
        "en": ("Community nurse in every valley – {place}", "Health kiosk with telemedicine – {place}",
               "Family support network – {place}"),
        "fr": ("Une infirmière de proximité par vallée – {place}", "Point santé avec télémédecine – {place}",
               "Réseau de soutien aux familles – {place}"),
        "de": ("Gemeindeschwester für jedes Tal – {place}", "Gesundheitskiosk mit Telemedizin – {place}",
               "Netzwerk für Familien – {place}"),
        "it": ("Infermiere di comunità in ogni valle – {place}", "Punto salute con telemedicina – {place}",
               "Rete di sostegno alle famiglie – {place}"),
        "sl": ("Patronažna sestra v vsaki dolini – {place}", "Zdravstveni kotiček s telemedicino – {place}",
               "Mreža podpore družinam – {place}"),
    }, {
        "en": "A community nurse and a small health point in {place} bring prevention and follow-up close "
              "to {group}.",
        "fr": "Une infirmière de proximité et un petit point santé à {place} rapprochent la prévention et le "
              "suivi de {group}.",
        "de": "Eine Gemeindeschwester und ein kleiner Gesundheitspunkt in {place} bringen Vorsorge und "
              "Nachsorge nah zu {group}.",
        "it": "Un infermiere di comunità e un piccolo punto salute a {place} avvicinano prevenzione e "
              "controlli a {group}.",
        "sl": "Patronažna sestra in majhna zdravstvena točka v regiji {place} približata preventivo in "
              "spremljanje za {group}.",
    }, {
        "en": "the nearest doctor is far away and waiting lists are long", "fr": "le médecin le plus proche est "
        "loin et les délais sont longs", "de": "die nächste Arztpraxis ist weit weg und die Wartezeiten sind "
        "lang", "it": "il medico più vicino è lontano e le liste d'attesa sono lunghe", "sl": "najbližji "
        "zdravnik je daleč, čakalne vrste pa so dolge",
    }),
    Theme(("depopulation-urban-degradation", "gender-equality", "education-skills"), ("local-communities",), {
        "en": ("Neighbourhood house in a renewed district – {place}", "Women's workshop for the district – "
               "{place}", "Learning garden for the neighbourhood – {place}"),
        "fr": ("Maison de quartier dans un quartier rénové – {place}", "Atelier des femmes du quartier – {place}",
               "Jardin pédagogique de quartier – {place}"),
        "de": ("Stadtteilhaus im erneuerten Quartier – {place}", "Frauenwerkstatt im Quartier – {place}",
               "Lerngarten für die Nachbarschaft – {place}"),
        "it": ("Casa di quartiere nel rione rigenerato – {place}", "Laboratorio delle donne del quartiere – "
               "{place}", "Orto didattico di quartiere – {place}"),
        "sl": ("Hiša soseske v prenovljeni četrti – {place}", "Delavnica žensk iz soseske – {place}",
               "Učni vrt za sosesko – {place}"),
    }, {
        "en": "Residents of a run-down district of {place} turned an empty building into a meeting, learning "
              "and work place for {group}.",
        "fr": "Les habitants d'un quartier dégradé de {place} ont transformé un bâtiment vide en lieu de "
              "rencontre, d'apprentissage et de travail pour {group}.",
        "de": "Bewohnerinnen und Bewohner eines vernachlässigten Viertels in {place} machten aus einem leeren "
              "Gebäude einen Ort zum Treffen, Lernen und Arbeiten für {group}.",
        "it": "Gli abitanti di un quartiere degradato di {place} hanno trasformato un edificio vuoto in un "
              "luogo di incontro, studio e lavoro per {group}.",
        "sl": "Prebivalci zanemarjene četrti v regiji {place} so prazno stavbo spremenili v prostor za "
              "srečevanje, učenje in delo za {group}.",
    }, {
        "en": "the district has lost its shops and meeting places", "fr": "le quartier a perdu ses commerces et "
        "ses lieux de rencontre", "de": "das Viertel hat seine Läden und Treffpunkte verloren", "it": "il "
        "quartiere ha perso negozi e luoghi d'incontro", "sl": "četrt je izgubila trgovine in prostore "
        "srečevanja",
    }),
)

GROUPS: dict[str, tuple[str, ...]] = {
    "en": ("older people", "young people", "jobseekers", "families", "newcomers", "farmers", "women",
           "people with disabilities"),
    "fr": ("les personnes âgées", "les jeunes", "les demandeurs d'emploi", "les familles",
           "les nouveaux arrivants", "les agriculteurs", "les femmes", "les personnes handicapées"),
    "de": ("ältere Menschen", "junge Menschen", "Arbeitsuchende", "Familien", "Zugewanderte",
           "Landwirtinnen und Landwirte", "Frauen", "Menschen mit Behinderung"),
    "it": ("gli anziani", "i giovani", "chi cerca lavoro", "le famiglie", "i nuovi arrivati", "gli agricoltori",
           "le donne", "le persone con disabilità"),
    "sl": ("starejši", "mladi", "iskalci zaposlitve", "družine", "priseljenci", "kmetje", "ženske",
           "ljudje z oviranostmi"),
}

DESCRIPTION: dict[str, str] = {
    "en": "{summary} The idea came from a meeting of residents in {year}: {need}. A small team tested it for a "
          "year with the municipality and local associations, then opened it to the whole area.",
    "fr": "{summary} L'idée est née d'une réunion d'habitants en {year} : {need}. Une petite équipe l'a testée "
          "pendant un an avec la commune et les associations locales, puis l'a ouverte à tout le territoire.",
    "de": "{summary} Die Idee entstand {year} bei einem Treffen von Bewohnerinnen und Bewohnern: {need}. Ein "
          "kleines Team erprobte sie ein Jahr lang mit Gemeinde und Vereinen und öffnete sie dann für die "
          "ganze Gegend.",
    "it": "{summary} L'idea è nata da un incontro tra abitanti nel {year}: {need}. Un piccolo gruppo l'ha "
          "sperimentata per un anno con il comune e le associazioni locali, poi l'ha aperta a tutto il territorio.",
    "sl": "{summary} Zamisel se je rodila na srečanju prebivalcev leta {year}: {need}. Majhna ekipa jo je eno "
          "leto preizkušala z občino in lokalnimi društvi, nato pa jo je odprla za celotno območje.",
}

PILLAR_NEED: dict[str, str] = {
    "en": "The starting point: {need}. What is new is that the service is run with the people who use it.",
    "fr": "Le point de départ : {need}. La nouveauté : le service est géré avec les personnes qui l'utilisent.",
    "de": "Ausgangspunkt: {need}. Neu ist, dass der Dienst gemeinsam mit den Menschen betrieben wird, die ihn "
          "nutzen.",
    "it": "Il punto di partenza: {need}. La novità è che il servizio è gestito con le persone che lo usano.",
    "sl": "Izhodišče: {need}. Novost je, da storitev vodijo skupaj z ljudmi, ki jo uporabljajo.",
}

PILLAR_COLLABORATION: dict[str, str] = {
    "en": "{group} sit on the steering group with the municipality, local businesses and associations; they "
          "decide together on priorities every year.",
    "fr": "{group} siègent au comité de pilotage avec la commune, les entreprises et les associations locales ; "
          "ils décident ensemble des priorités chaque année.",
    "de": "{group} sitzen mit Gemeinde, Betrieben und Vereinen in der Steuerungsgruppe und legen jedes Jahr "
          "gemeinsam die Schwerpunkte fest.",
    "it": "{group} fanno parte del comitato di indirizzo con comune, imprese e associazioni locali e decidono "
          "insieme le priorità ogni anno.",
    "sl": "{group} so v usmerjevalni skupini skupaj z občino, lokalnimi podjetji in društvi ter vsako leto "
          "skupaj določijo prednostne naloge.",
}

PILLAR_IMPACT: dict[str, str] = {
    "en": "Two indicators are followed every year: people reached ({people} so far) and the share who say "
          "their daily life has improved.",
    "fr": "Deux indicateurs sont suivis chaque année : les personnes touchées ({people} à ce jour) et la part "
          "de celles qui disent que leur quotidien s'est amélioré.",
    "de": "Zwei Kennzahlen werden jährlich erhoben: erreichte Personen (bisher {people}) und der Anteil derer, "
          "deren Alltag sich nach eigener Aussage verbessert hat.",
    "it": "Ogni anno si seguono due indicatori: le persone raggiunte ({people} finora) e la quota di chi dice "
          "che la propria vita quotidiana è migliorata.",
    "sl": "Vsako leto spremljajo dva kazalnika: število doseženih ljudi (doslej {people}) in delež tistih, ki "
          "pravijo, da se jim je vsakdan izboljšal.",
}

RESULTS: dict[str, str] = {
    "en": "{people} people reached, {partners} partner organisations, {share} % of participants satisfied.",
    "fr": "{people} personnes touchées, {partners} organisations partenaires, {share} % de participants "
          "satisfaits.",
    "de": "{people} erreichte Personen, {partners} Partnerorganisationen, {share} % zufriedene Teilnehmende.",
    "it": "{people} persone raggiunte, {partners} organizzazioni partner, {share} % di partecipanti soddisfatti.",
    "sl": "{people} doseženih ljudi, {partners} partnerskih organizacij, {share} % zadovoljnih udeležencev.",
}

FUNDING: tuple[str, ...] = (
    "Interreg Alpine Space", "ERDF regional programme", "ESF+", "LEADER", "Municipal budget", "Regional budget",
    "Private foundation", "Crowdfunding", "Member contributions", "Social impact investor",
)

REJECTION_REASONS: dict[str, str] = {
    "en": "The description does not say who takes part or what changed for the people concerned.",
    "fr": "La description ne dit pas qui participe ni ce qui a changé pour les personnes concernées.",
    "de": "Die Beschreibung sagt nicht, wer mitwirkt und was sich für die Betroffenen verändert hat.",
    "it": "La descrizione non dice chi partecipa né che cosa è cambiato per le persone coinvolte.",
    "sl": "Opis ne pove, kdo sodeluje in kaj se je spremenilo za vključene ljudi.",
}
