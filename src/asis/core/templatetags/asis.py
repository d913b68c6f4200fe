from __future__ import annotations

from django import template

from asis.core.i18n import TranslatableModel, TranslatedText

register = template.Library()


@register.simple_tag
def translated(obj: TranslatableModel, field: str) -> TranslatedText:
    """``{% translated obj "field" as t %}``: text in the active language, with fallback flags."""
    return obj.translated(field)
