"""The platform's open-data terms, shared by every export (observatory catalogue, call results):
the licence and attribution that travel with the data, and the spreadsheet formula-injection guard.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

LICENCE = "CC-BY-4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "ASIS Observatory contributors"
BOUNDARIES_ATTRIBUTION = "© EuroGeographics for the administrative boundaries"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise formula injection: text starting with = + - @ tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_cell(value: Any) -> Any:
    """One export cell: empty for None, yes/no for booleans, numbers and dates as they are, any other
    value as text with the formula guard."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date | Decimal | int | float):
        return value
    return spreadsheet_safe(str(value))
