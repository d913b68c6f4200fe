"""The standard budget categories of an application and how a budget line reads.

Lines store the category's key ("personnel"); lines written before the list existed keep their
free text, which stays valid and is shown as typed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

CATEGORIES: tuple[tuple[str, Any], ...] = (
    ("personnel", _("Personnel")),
    ("travel", _("Travel")),
    ("equipment", _("Equipment")),
    ("subcontracting", _("Subcontracting")),
    ("other", _("Other and indirect costs")),
)
_LABELS = dict(CATEGORIES)


def category_label(value: Any) -> str:
    """The reader's name of a standard category, or a legacy free-text category as typed."""
    return str(_LABELS.get(str(value or ""), value or ""))


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def budget_rows(lines: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The lines as pages, PDFs and receipts show them: category names, amounts as numbers."""
    return [{"category": category_label(line.get("category")), "description": line.get("description", ""),
             "amount": _amount(line.get("amount"))} for line in lines or []]
