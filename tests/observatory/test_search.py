"""Search finds what people type: compounds, derived forms, spelling variants, typos; relevance
order, "did you mean", highlighted matches that stay escaped. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from asis.observatory import filters, search
from asis.observatory.filters import CatalogueQuery
from tests.observatory.catalogue_data import publish

pytestmark = pytest.mark.django_db


def _found(text: str) -> list[int]:
    return filters.ordered_ids(CatalogueQuery.from_params({"q": text}))


@pytest.mark.parametrize(("title", "language", "query"), [
    ("Bürgerenergiegemeinschaft – Tirol", "de", "Energie"),        # German compound
    ("Bürgerenergiegemeinschaft – Tirol", "de", "energiegemeinschaft"),
    ("Gesundheitskiosk mit Telemedizin", "de", "Medizin"),
    ("Communauté énergétique citoyenne", "fr", "énergie"),         # French derived form
    ("Communauté énergétique citoyenne", "fr", "energetique"),     # typed without accents
    ("Village car sharing", "en", "carsharing"),                   # spelling variants, both ways
    ("Carsharing im Dorf", "de", "car sharing"),
    ("Autopartage villageois", "fr", "auto-partage"),
    ("Vaška trgovina v rokah prebivalcev", "sl", "trgovine"),      # Slovenian inflection
    ("Bottega di paese", "it", "botteghe"),                        # Italian plural
])
def test_query_finds_the_initiative(title, language, query):
    wanted = publish(title=title, summary="A local project.", language=language)
    publish(title="Village shop run by its residents", summary="A shop.", language="en")
    assert _found(query) == [wanted.pk]


def test_a_typo_falls_back_to_the_closest_word_and_says_so(client):
    wanted = publish(title="Village care cooperative", summary="A local project.")
    publish(title="Mountain coworking space", summary="A local project.")
    assert _found("coperative") == [wanted.pk]
    assert search.plan("coperative").corrected == "cooperative"
    with translation.override("en"):
        html = client.get("/en/observatory/?q=coperative").content.decode()
    assert "Showing results for “cooperative”" in html


def test_did_you_mean_for_few_results(client):
    publish(title="Cooperative housing in the old centre", summary="A local project.")
    publish(title="Village care cooperative", summary="Neighbours help.")
    publish(title="Community grocery", summary="A coperative shop.")  # the typo exists once
    assert len(_found("coperative")) == 1
    assert search.suggestion("coperative") == "cooperative"
    html = client.get("/en/observatory/?q=coperative").content.decode()
    assert 'Did you mean <a href="?q=cooperative">cooperative</a>?' in html


def test_title_matches_rank_before_text_matches_and_without_words_newest_first():
    from datetime import date

    in_text = publish(title="Warm homes advice", summary="Advice on energy bills.", start=date(2024, 1, 1))
    in_title = publish(title="Citizen energy community", summary="Solar roofs.", start=date(2020, 1, 1))
    assert _found("energy") == [in_title.pk, in_text.pk]
    assert CatalogueQuery.from_params({"q": "energy"}).sort == "relevance"
    assert CatalogueQuery.from_params({}).sort == "newest"
    assert CatalogueQuery.from_params({"sort": "relevance"}).sort == "newest"  # nothing to rank by
    assert ("sort", "title") in CatalogueQuery.from_params({"q": "energy", "sort": "title"}).to_params()


def test_highlight_marks_matches_and_escapes_everything_else():
    template = Template("{% load observatory_search %}{{ text|highlight:terms }}")
    text = '<script>alert("énergie")</script> Bürgerenergiegemeinschaft & co'
    html = template.render(Context({"text": text, "terms": search.highlight_terms("energie")}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; co" in html
    assert "<mark>énergie</mark>" in html and "<mark>Bürgerenergiegemeinschaft</mark>" in html
    assert Template("{% load observatory_search %}{{ text|highlight:terms }}").render(
        Context({"text": "<b>x</b>", "terms": ()})) == "&lt;b&gt;x&lt;/b&gt;"


def test_catalogue_page_marks_the_searched_words(client):
    publish(title="Citizen <energy> community", summary="A local project.")
    html = client.get("/en/observatory/?q=energy").content.decode()
    assert "Citizen &lt;<mark>energy</mark>&gt; community" in html


def test_fold_and_words():
    assert search.fold("Straße, Café-Bar!") == "strasse cafe bar"
    assert [w.folded for w in search.words_of("l'énergie  Co-Working")] == ["l", "energie", "co", "working"]
    assert search.stem("energija") == "energ" and search.stem("avto") == ""
    assert search.similarity("coworkng", "coworking") > search.SIMILAR > search.similarity("coworkng", "garden")
    assert search.plan("  ,;  ") is None and search.matching_ids("--") is None
