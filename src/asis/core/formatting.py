"""Numbers, money, percentages and dates as the reader's language writes them.

One place for the platform's conventions, used by pages, e-mails, PDFs and receipts alike:
thousands are always grouped (``USE_THOUSAND_SEPARATOR`` stays off, so ids in URLs are never
grouped), money carries its currency code after the amount ("33.150,00 EUR" in German), a
percentage is written with the language's spacing ("99 %" in French, German and Slovenian, "99%"
in English and Italian), and dates are long dates in the reader's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone, translation

NBSP = "\u00a0"
# Languages that put a (non-breaking) space between a number and the percent sign.
_SPACED_PERCENT = {"fr", "de", "sl"}


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


def number(value: Any, decimals: int | None = None) -> str:
    """``value`` with the language's decimal mark and grouped thousands; '' for no value."""
    if _is_blank(value):
        return ""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def money(value: Any, currency: str = "EUR", decimals: int = 2) -> str:
    """An amount with its currency code: "33,150.00 EUR", "33.150,00 EUR", "33 150,00 EUR"."""
    if _is_blank(value):
        return ""
    return f"{number(Decimal(str(value)), decimals)}{NBSP}{currency}"


def percent(fraction: Any, decimals: int = 0) -> str:
    """A share (0.99) as a percentage in the language's spelling: "99%" or "99 %"."""
    if _is_blank(fraction):
        return ""
    shown = number(float(fraction) * 100, decimals)
    language = (translation.get_language() or "en").split("-")[0]
    return f"{shown}{NBSP}%" if language in _SPACED_PERCENT else f"{shown}%"


def long_date(value: date | datetime | None) -> str:
    """"4 December 2026", "4. Dezember 2026", "4. december 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def long_datetime(value: datetime | None) -> str:
    """"4. Dezember 2026, 18:50" in the reader's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local)}, {formats.time_format(local, 'TIME_FORMAT', use_l10n=True)}"
