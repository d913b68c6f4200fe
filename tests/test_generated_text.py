"""Every page and PDF, rendered in German and Slovenian, carries no English sentence and no raw key.

Templates are checked for missing translations by the catalogue test; what escapes it is text
*generated from data*: reasons, flags, errors, diffs, chart labels and letters built in Python,
stored as English sentences, or written with internal codes. This walk renders every route that
answers GET (each as a role that may see it, on the permission matrix's world) in ``de`` and
``sl`` and fails on

- an English sentence of the platform's own catalogue (a msgid of three words or more whose
  German translation differs) appearing verbatim, i.e. text rendered without translation;
- English prose that is no msgid at all (three or more English function words in one text node,
  once the data the tests typed in is taken out): an f-string or a stored English sentence;
- a raw key: a ``snake_case`` token or a dotted action name (``calls.decision.sent``).

E-mails are covered in tests/test_generated_email_text.py-style checks next to each sender.
"""

from __future__ import annotations

import io
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation

from asis.core.opendata import ATTRIBUTION, BOUNDARIES_ATTRIBUTION
from tests.permission_rules import RULES
from tests.po import entries
from tests.test_permission_matrix import all_route_names

LOCALE = Path(__file__).resolve().parents[1] / "src" / "asis" / "locale"
LANGUAGES = ("de", "sl")
# Who looks at a page, in order of preference among the roles allowed to see it.
VIEWERS = ("manager", "platform_admin", "project_holder", "evaluator", "member", "anonymous")
ENGLISH_FUNCTION_WORDS = {
    "the", "has", "have", "only", "of", "and", "is", "are", "was", "were", "by", "with", "for",
    "this", "that", "not", "which", "from", "been", "its", "their", "your", "you", "will", "no",
    "be", "or", "than", "there", "these", "those", "should", "must", "cannot", "below", "above",
    "least", "more", "less", "would", "could", "after", "before", "into", "other", "each", "every",
}
# Formulas keep their subscripts (w_j): a key has words of two letters or more on both sides.
SNAKE = re.compile(r"(?<![\w@./-])[a-z]{2,}(?:_[a-z0-9]{2,})+(?![\w@/-])")
DOTTED = re.compile(r"(?<![\w@/-])[a-z]+(?:\.[a-z_]+){2,}(?![\w@/-])")
# Addresses, links, paths, and the {{ placeholders }} a manager writes into letter templates.
URLISH = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|/[\w/.-]+|\{\{[^}]*\}\}")
SKIP_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "option"}
TEXT_ATTRS = ("title", "aria-label", "alt", "placeholder")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
        for name, value in attrs:
            if name in TEXT_ATTRS and value:
                self.nodes.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def html_text(body: str) -> list[str]:
    parser = _Text()
    parser.feed(body)
    return parser.nodes


def pdf_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [" ".join(line.split()) for page in reader.pages for line in (page.extract_text() or "").splitlines()
            if line.strip()]


@cache
def english_sentences() -> tuple[str, ...]:
    """Literal fragments (3+ words) of msgids that German translates differently."""
    fragments = set()
    for msgid, msgstrs, flags in entries(LOCALE / "de" / "LC_MESSAGES" / "django.po"):
        msgstr = msgstrs[0] if msgstrs else ""
        if not msgstr or "fuzzy" in flags or msgstr == msgid:
            continue
        for piece in re.split(r"%\(\w+\)[sdfr]|%[sd]|\{[^}]*\}|[\n:;()\"“”]", msgid):
            piece = " ".join(piece.split()).strip(" .,!?-–")
            # Three real words at least: a list of format names ("PDF, DOCX, XLSX") is no sentence.
            if len(re.findall(r"\b[a-z]{2,}\b", piece)) >= 3 and len(piece) >= 15:
                fragments.add(piece)
    return tuple(sorted(fragments, key=len, reverse=True))


def typed_data() -> list[str]:
    """Every text the tests stored in the database (titles, names, comments...), longest first:
    it is taken out of the page before looking for English, since it is content, not interface."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            values.update(" ".join(str(v).split()) for v in row if isinstance(v, str) and len(v) >= 4)
    return sorted(values, key=len, reverse=True)


# Attributions whose wording the data's licences prescribe: quoted as written, in English.
PRESCRIBED = (BOUNDARIES_ATTRIBUTION, ATTRIBUTION, "Eurostat GISCO, NUTS 2021")


def problems_in(nodes: list[str], data: list[str]) -> list[str]:
    found = []
    data = [*PRESCRIBED, *data]
    sentences = english_sentences()
    for node in nodes:
        text = node
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        text = URLISH.sub(" ", text)
        for sentence in sentences:
            if sentence in text:
                found.append(f"English sentence {sentence!r} in {node!r}")
                break
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        english = words & ENGLISH_FUNCTION_WORDS
        if len(english) >= 3:
            found.append(f"English prose ({', '.join(sorted(english))}) in {node!r}")
        for pattern, kind in ((SNAKE, "raw key"), (DOTTED, "dotted key")):
            for match in pattern.findall(text):
                found.append(f"{kind} {match!r} in {node!r}")
    return found


def _viewer(route: str) -> str | None:
    rule = RULES.get(route)
    if rule is None or rule.method != "GET":
        return None
    return next((role for role in VIEWERS if role in rule.allowed), None)


# The Django admin is an operator's tool in English by design; the API speaks JSON; attachments
# are the users' own files.
# The guides served as help are written in English only (the help page says so) and the footer
# pages are texts the operator writes, shown with the "not yet translated" mark until translated.
NOT_INTERFACE = ("core:help_index", "core:help_guide", "core:site_page")
PAGE_ROUTES = [r for r in all_route_names()
               if not r.startswith(("admin:", "api:", "api_index")) and "attachment" not in r and "document" not in r
               and r not in NOT_INTERFACE and _viewer(r) is not None]


def _contested_call(world: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Pages of a call whose results have what the matrix's world lacks: a knocked-out
    application and evaluators who disagree (generated reasons and flags)."""
    from asis.calls.results.services import call_results_compute
    from tests.calls.results_fixtures import scored_call

    call, apps, _evaluators = scored_call(world, [[5, 5, 1], [1, 1, 1], [4, 4, 4]], smaa_draws=20,
                                          title="Contested call")
    call_results_compute(actor=world.users["manager"], call=call)
    return [("calls:results", "manager", {"call_id": call.pk}),
            ("calls:panel", "manager", {"call_id": call.pk}),
            ("calls:call_report_pdf", "manager", {"call_id": call.pk}),
            ("calls:application_report_pdf", "manager", {"application_id": apps[1].pk}),
            ("calls:application_report_pdf", "manager", {"application_id": apps[0].pk})]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_readers_language(world: Any, language: str) -> None:
    failures: list[str] = []
    clients: dict[str, Any] = {}
    checked = 0
    pages = [(route, _viewer(route), RULES[route].kwargs(world)) for route in PAGE_ROUTES]
    for route, role, kwargs in [*pages, *_contested_call(world)]:
        rule = RULES[route]
        assert role is not None
        with translation.override(language):
            url = reverse(route, kwargs=kwargs)
        client = clients.setdefault(role, world.client_for(role))
        response = client.get(url, rule.data, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code in (301, 302):
            continue
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
        if "text/html" in content_type:
            nodes = html_text(body.decode())
        elif "application/pdf" in content_type:
            if not body.startswith(b"%PDF"):
                failures.append(f"{route} ({url}): a PDF response without a PDF ({body[:60]!r})")
                continue
            nodes = pdf_text(body)
        else:
            continue
        checked += 1
        for problem in problems_in(nodes, typed_data()):
            failures.append(f"{route} ({url}, as {role}): {problem}")
    assert checked >= len(PAGE_ROUTES) // 2, f"only {checked} pages rendered: the walk no longer reaches the pages"
    assert not failures, f"{len(failures)} untranslated or raw texts:\n" + "\n".join(failures)


def test_the_detector_finds_what_it_is_for() -> None:
    """The checks themselves fail on the kinds of text the issue found (so the walk can fail)."""
    assert problems_in(["Submitted by: submitted_by"], [])
    assert problems_in(["application 31 has only 1 evaluators and the rest"], [])
    assert problems_in(["calls.decision.sent"], [])
    assert not problems_in(["Eingereicht von: Anna Muster", "Antrag DEMO-2-001 hat nur 1 Gutachter"], [])
    assert not problems_in(["The title the user typed for this call"], ["The title the user typed for this call"])
