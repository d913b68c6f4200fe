"""Words for demo data, per language. Names are invented; any likeness to a real body is chance."""

from __future__ import annotations

# Language of the organisations in each country (Switzerland cycles through its languages).
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",), "DE": ("de",), "LI": ("de",), "FR": ("fr",), "IT": ("it",), "SI": ("sl",),
    "CH": ("de", "fr", "it"),
}

# Organisation name patterns per type and language; {place} is the region name.
ORG_PATTERNS: dict[str, dict[str, str]] = {
    "public_authority": {
        "de": "Regionalverwaltung {place}", "fr": "Conseil territorial {place}",
        "it": "Ente territoriale {place}", "sl": "Regionalna uprava {place}", "en": "Regional authority {place}",
    },
    "business_support": {
        "de": "Wirtschaftsagentur {place}", "fr": "Agence de développement {place}",
        "it": "Agenzia di sviluppo {place}", "sl": "Razvojna agencija {place}", "en": "Development agency {place}",
    },
    "sectoral_agency": {
        "de": "Sozialfonds {place}", "fr": "Agence sociale {place}",
        "it": "Agenzia per il welfare {place}", "sl": "Agencija za socialne zadeve {place}", "en": "Social agency {place}",
    },
    "university": {
        "de": "Hochschule für Soziale Arbeit {place}", "fr": "Institut d'études sociales {place}",
        "it": "Istituto di ricerca sociale {place}", "sl": "Inštitut za družbene inovacije {place}",
        "en": "Institute for social research {place}",
    },
    "social_enterprise": {
        "de": "Sozialgenossenschaft {place}", "fr": "Coopérative solidaire {place}",
        "it": "Cooperativa sociale {place}", "sl": "Socialno podjetje {place}", "en": "Social cooperative {place}",
    },
    "ngo": {
        "de": "Verein Bergdörfer {place}", "fr": "Association Villages de montagne {place}",
        "it": "Associazione Borghi alpini {place}", "sl": "Društvo gorskih vasi {place}", "en": "Mountain villages association {place}",
    },
    "company": {
        "de": "Alpenwerk {place} GmbH", "fr": "Atelier alpin {place} SARL",
        "it": "Officina alpina {place} Srl", "sl": "Alpska delavnica {place} d.o.o.", "en": "Alpine workshop {place} Ltd",
    },
    "other": {
        "de": "Stiftung Zukunft {place}", "fr": "Fondation Avenir {place}",
        "it": "Fondazione Futuro {place}", "sl": "Fundacija Prihodnost {place}", "en": "Future foundation {place}",
    },
}

FOCUS: dict[str, list[str]] = {
    "en": ["care for older people in remote valleys", "new jobs for young people who want to stay",
           "shared mobility between villages", "community shops and services", "housing for seasonal workers",
           "inclusion of refugees through work"],
    "de": ["Pflege älterer Menschen in abgelegenen Tälern", "neue Arbeit für junge Menschen, die bleiben wollen",
           "geteilte Mobilität zwischen Dörfern", "Dorfläden und Nahversorgung", "Wohnraum für Saisonarbeitskräfte",
           "Integration Geflüchteter durch Arbeit"],
    "fr": ["l'accompagnement des personnes âgées dans les vallées isolées", "de nouveaux emplois pour les jeunes qui veulent rester",
           "la mobilité partagée entre villages", "les commerces et services de proximité", "le logement des travailleurs saisonniers",
           "l'insertion des réfugiés par le travail"],
    "it": ["l'assistenza agli anziani nelle valli isolate", "nuovo lavoro per i giovani che vogliono restare",
           "la mobilità condivisa tra i paesi", "negozi e servizi di comunità", "l'alloggio per i lavoratori stagionali",
           "l'inclusione dei rifugiati attraverso il lavoro"],
    "sl": ["oskrbo starejših v odročnih dolinah", "nova delovna mesta za mlade, ki želijo ostati",
           "deljeno mobilnost med vasmi", "vaške trgovine in storitve", "stanovanja za sezonske delavce",
           "vključevanje beguncev z delom"],
}

DESCRIPTION: dict[str, str] = {
    "en": "We work with residents, municipalities and local businesses on {focus}. Our projects start from the needs people tell us about and are shaped together with them.",
    "de": "Wir arbeiten mit Bewohnerinnen und Bewohnern, Gemeinden und lokalen Betrieben an {focus}. Unsere Projekte beginnen bei den Bedürfnissen, die uns die Menschen schildern, und entstehen gemeinsam mit ihnen.",
    "fr": "Nous travaillons avec les habitants, les communes et les entreprises locales sur {focus}. Nos projets partent des besoins que les gens nous décrivent et se construisent avec eux.",
    "it": "Lavoriamo con abitanti, comuni e imprese locali su {focus}. I nostri progetti nascono dai bisogni che le persone ci raccontano e si costruiscono insieme a loro.",
    "sl": "S prebivalci, občinami in lokalnimi podjetji delamo na področju, ki zajema {focus}. Naši projekti izhajajo iz potreb, ki nam jih opišejo ljudje, in nastajajo skupaj z njimi.",
}

FIRST_NAMES: dict[str, list[str]] = {
    "de": ["Anna", "Lukas", "Maria", "Jonas", "Katharina", "Florian", "Theresa", "Matthias"],
    "fr": ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Julien", "Manon", "Mathieu"],
    "it": ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Andrea", "Sara", "Paolo"],
    "sl": ["Nina", "Luka", "Maja", "Jan", "Eva", "Matej", "Ana", "Tilen"],
}
LAST_NAMES: dict[str, list[str]] = {
    "de": ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Hofer"],
    "fr": ["Martin", "Bernard", "Dubois", "Girard", "Bonnet", "Fabre", "Chevalier", "Rousseau"],
    "it": ["Rossi", "Bianchi", "Ferrari", "Colombo", "Ricci", "Marino", "Greco", "Bruno"],
    "sl": ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Mlakar", "Kos"],
}
