"""Numbers on the home page in the reader's locale: money, percentages, days left (with plurals)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """``33 150,00 EUR`` in French, ``33.150,00 EUR`` in German, ``33,150.00 EUR`` in English."""
    amount = formats.number_format(Decimal(value or 0), 2, use_l10n=True, force_grouping=True)
    return _("%(amount)s EUR") % {"amount": amount}


@register.filter
def percent(value: Any) -> str:
    return _("%(value)s %%") % {"value": formats.number_format(round(float(value or 0)), 0, use_l10n=True)}


@register.filter
def days_left(days: int | None) -> str:
    """How long is left until a deadline, or how late it is."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("%(count)s day left", "%(count)s days left", days) % {"count": days}
    if days == 0:
        return _("last day")
    return ngettext("%(count)s day overdue", "%(count)s days overdue", -days) % {"count": -days}


@register.filter
def number(value: Any) -> str:
    return formats.number_format(value or 0, 0, use_l10n=True, force_grouping=True)
