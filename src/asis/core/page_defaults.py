"""The footer pages' first texts, seeded once by migration; the administrator edits them after.

Bracketed parts (``[name of the operating authority]``) are for the operator to fill in. The
bodies are in English; the titles are given in every language, so the footer and the headings
read in the visitor's language while the body falls back to English (marked as such) until the
administrator adds a translation. The accessibility statement follows the model statement of
Commission Implementing Decision (EU) 2018/1523 under Directive (EU) 2016/2102: compliance
status, non-accessible content, preparation of the statement, feedback and contact, enforcement.
"""

from __future__ import annotations

from typing import Any

from asis.core.i18n import _digest

TITLES: dict[str, dict[str, str]] = {
    "legal-notice": {"en": "Legal notice", "fr": "Mentions légales", "de": "Impressum",
                     "it": "Note legali", "sl": "Pravno obvestilo"},
    "privacy": {"en": "Privacy policy", "fr": "Politique de confidentialité", "de": "Datenschutzerklärung",
                "it": "Informativa sulla privacy", "sl": "Politika zasebnosti"},
    "accessibility": {"en": "Accessibility statement", "fr": "Déclaration d'accessibilité",
                      "de": "Erklärung zur Barrierefreiheit", "it": "Dichiarazione di accessibilità",
                      "sl": "Izjava o dostopnosti"},
    "contact": {"en": "Contact", "fr": "Contact", "de": "Kontakt", "it": "Contatti", "sl": "Kontakt"},
}

BODIES: dict[str, str] = {
    "legal-notice": """\
## Operator

This platform is operated by [name of the operating authority], [postal address].
Represented by [name and function of the legal representative].

E-mail: [contact e-mail address] · Telephone: [telephone number]

## Responsible for the content

[Name, function and address of the person responsible for the editorial content.]

Initiatives and organisations in the observatory are proposed by their authors and checked by
the platform's editors before they are published. Funding calls are published by the
organisations that run them, which are responsible for their content.

## Hosting

[Name and address of the hosting provider.]

## Licences

- The software is ASIS, free software under the GNU Affero General Public License 3.0 or later.
- The open data of the observatory is published under the Creative Commons Attribution 4.0
  International licence (CC BY 4.0).
- Map boundaries: © EuroGeographics for the administrative boundaries.
""",
    "privacy": """\
## Who is responsible

The controller of the personal data processed on this platform is [name of the operating
authority], [postal address], [contact e-mail address]. Data protection officer:
[name and e-mail address of the data protection officer].

## What we process and why

- **Account:** your e-mail address, name, preferred language and password (stored only as a
  salted hash), to let you sign in and to write to you about your applications, reviews and
  proposals.
- **Applications, reviews and proposals:** what you enter, to run the funding calls and the
  observatory. Legal basis: the performance of a task carried out in the public interest
  (Article 6(1)(e) GDPR) and, for applications, steps prior to a contract (Article 6(1)(b)).
- **Security records:** sign-in attempts with the network address, and an audit log of changes
  to calls, applications, scores and decisions, to protect accounts and to keep decisions
  traceable (Article 6(1)(c) and (e) GDPR).

## How long

Operational personal data (sign-in attempts, background job records) is deleted after the
retention period set by the operator (365 days unless configured otherwise). Applications and
decisions are kept as long as the rules of the funding programme require.

## Cookies

The platform sets only cookies that it needs to work: the session, the protection against
cross-site request forgery and the chosen language. There is no tracking and no advertising.

## Your rights

You may access your data and download it (*My account → My data*), correct it, and delete your
account (your scores in past evaluations stay under a pseudonym so that decisions remain
traceable). You may object to processing and ask for its restriction. You may lodge a complaint
with the data protection supervisory authority: [name and address of the supervisory authority].
""",
    "accessibility": """\
[Name of the operating authority] is committed to making its website accessible, in accordance
with [national law transposing Directive (EU) 2016/2102]. This accessibility statement applies
to this platform, [address of the website].

## Compliance status

This website is **partially compliant** with EN 301 549 and the Web Content Accessibility
Guidelines (WCAG) 2.1, level AA, due to the non-compliances listed below.

## Non-accessible content

The content listed below is non-accessible for the following reasons.

### Non-compliance with the accessibility regulations

- The map is a picture of the regions: its shapes can be reached with the keyboard, and every
  region, with its number of initiatives, is also listed as a table and as links below the map.
- PDF documents generated by the platform (reports, letters, receipts) may not be fully
  accessible to screen readers. Ask for an accessible version through the contact below.
- The interactive API documentation is third-party software and is not fully accessible; the
  same information is available as an OpenAPI description and in the guide to the open data.

### Disproportionate burden

Not applicable.

### Content not within the scope of the applicable legislation

Documents uploaded by applicants and organisations (for example attachments to applications)
are not produced by the operator.

## Preparation of this accessibility statement

This statement was prepared on [date]. The assessment was carried out by self-assessment, with
automated checks (axe-core, WCAG 2.1 AA rules) on every page in five languages, on desktop and
on a 360 px wide phone, as part of the platform's tests. The statement was last reviewed on
[date].

## Feedback and contact information

If you find an accessibility problem or need a piece of information in an accessible format,
write to [contact e-mail address] or call [telephone number]. We answer within [number] days.

## Enforcement procedure

If you are not satisfied with our answer, you may refer the matter to [name, address and web
site of the national enforcement body].
""",
    "contact": """\
## Platform operator

[Name of the operating authority]
[Postal address]

E-mail: [contact e-mail address] · Telephone: [telephone number]

## Questions about a funding call

Each call names the organisation that runs it and its contact; please write to them first.

## Accessibility and personal data

For accessibility problems see the accessibility statement; for your personal data see the
privacy policy. Both are linked at the bottom of every page.
""",
}


def page_rows() -> list[dict[str, Any]]:
    """Field values of the four pages, with the titles' translations in ``translations``."""
    rows = []
    for slug, titles in TITLES.items():
        translations = {lang: {"title": {"text": text, "source": _digest(titles["en"])}}
                        for lang, text in titles.items() if lang != "en"}
        rows.append({"slug": slug, "title": titles["en"], "body": BODIES[slug], "original_language": "en",
                     "translations": translations})
    return rows


def site_pages_seed(model: Any) -> None:
    """Create the pages that do not exist yet (``model``: the real or a migration's model)."""
    for row in page_rows():
        model.objects.get_or_create(slug=row["slug"], defaults=row)
