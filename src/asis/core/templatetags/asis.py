from __future__ import annotations

from typing import Any

from django import template

from asis.core import formatting
from asis.core.i18n import TranslatableModel, TranslatedText

register = template.Library()


@register.simple_tag
def translated(obj: TranslatableModel, field: str) -> TranslatedText:
    """``{% translated obj "field" as t %}``: text in the active language, with fallback flags."""
    return obj.translated(field)


@register.filter(name="num")
def num_filter(value: Any, decimals: int | None = None) -> str:
    """``{{ x|num }}`` or ``{{ x|num:2 }}``: grouped thousands, the language's decimal mark."""
    return formatting.number(value, decimals)


@register.filter(name="money")
def money_filter(value: Any, currency: str = "EUR") -> str:
    """``{{ amount|money }}``: "33.150,00 EUR" in German."""
    return formatting.money(value, currency)


@register.filter(name="percent")
def percent_filter(fraction: Any, decimals: int = 0) -> str:
    """``{{ 0.99|percent }}``: "99 %" in French, German and Slovenian, "99%" in English."""
    return formatting.percent(fraction, decimals)


@register.filter(name="longdate")
def long_date_filter(value: Any) -> str:
    return formatting.long_date(value)


@register.filter(name="longdatetime")
def long_datetime_filter(value: Any) -> str:
    return formatting.long_datetime(value)


@register.filter(name="job_result_rows")
def job_result_rows_filter(job: Any) -> list[tuple[str, str]]:
    """``{% for label, value in job|job_result_rows %}``: the result with human labels."""
    from asis.core.jobs import result_rows

    return result_rows(job)


@register.filter(name="item_text")
def item_text_filter(item: Any, key: str) -> str:
    """``{{ question|item_text:"label" }}``: a checklist item or question in the reader's language."""
    from asis.core.i18n import item_text

    return item_text(item, key)
