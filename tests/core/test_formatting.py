"""Locale formatting helpers, checked against the written conventions of each language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from asis.core import formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", f"33,150.00{NBSP}EUR"),
    ("de", f"33.150,00{NBSP}EUR"),
    ("fr", f"33{NBSP}150,00{NBSP}EUR"),
    ("it", f"33.150,00{NBSP}EUR"),
    ("sl", f"33.150,00{NBSP}EUR"),
])
def test_money_groups_thousands_in_each_language(language: str, expected: str) -> None:
    with translation.override(language):
        got = formatting.money(Decimal("33150"))
    assert got.replace("\u202f", NBSP) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "99%"), ("it", "99%"), ("de", f"99{NBSP}%"), ("fr", f"99{NBSP}%"), ("sl", f"99{NBSP}%"),
])
def test_percent_follows_the_language_spacing(language: str, expected: str) -> None:
    with translation.override(language):
        assert formatting.percent(0.99) == expected


def test_long_datetime_is_in_the_readers_time_zone_and_language(settings: object) -> None:
    moment = datetime(2026, 12, 4, 17, 50, tzinfo=ZoneInfo("UTC"))  # 18:50 in Vienna
    with translation.override("de"):
        assert formatting.long_datetime(moment) == "4. Dezember 2026, 18:50"
    with translation.override("sl"):
        assert formatting.long_date(date(2026, 12, 4)) == "04. december 2026"  # Django's Slovenian format: d. F Y


def test_blank_values_render_as_nothing() -> None:
    assert formatting.money(None) == formatting.percent("") == formatting.long_date(None) == ""


def test_template_filters() -> None:
    with translation.override("de"):
        out = Template("{% load asis %}{{ a|money }}|{{ p|percent }}|{{ n|num }}").render(
            Context({"a": 1234.5, "p": 0.5, "n": 1234567}))
    assert out == f"1.234,50{NBSP}EUR|50{NBSP}%|1.234.567"
