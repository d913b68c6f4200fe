"""Translated content fields: original language, per-field translations, fallback, outdated mark.

A model lists its translatable fields in ``TRANSLATABLE_FIELDS``; the field itself holds the
text in ``original_language``. ``translations`` holds, per language and field, the translated
text and a digest of the original it was made from, so a translation is marked *outdated* as
soon as the original changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True)
class TranslatedText:
    text: str
    language: str
    requested: str
    is_fallback: bool
    is_outdated: bool

    def __str__(self) -> str:
        return self.text


def fallback_chain(requested: str, original: str) -> list[str]:
    """Requested language, then the original, then English, then every other language."""
    chain: list[str] = []
    for code in (requested, original, settings.LANGUAGE_CODE, *settings.LANGUAGE_CODES):
        if code and code not in chain:
            chain.append(code)
    return chain


class TranslatableModel(models.Model):
    TRANSLATABLE_FIELDS: ClassVar[tuple[str, ...]] = ()

    original_language = models.CharField(
        _("original language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def _check_field(self, field: str) -> None:
        if field not in self.TRANSLATABLE_FIELDS:
            raise ValueError(f"{type(self).__name__}.{field} is not translatable")

    def set_translation(self, language: str, field: str, text: str) -> None:
        self._check_field(field)
        if language not in settings.LANGUAGE_CODES:
            raise ValueError(f"Unknown language {language!r}")
        if language == self.original_language:
            setattr(self, field, text)
            return
        per_lang = dict(self.translations.get(language, {}))
        per_lang[field] = {"text": text, "source": _digest(getattr(self, field) or "")}
        self.translations = {**self.translations, language: per_lang}

    def translation_status(self, language: str, field: str) -> str:
        """One of ``original``, ``current``, ``outdated``, ``missing``."""
        self._check_field(field)
        if language == self.original_language:
            return "original"
        entry = self.translations.get(language, {}).get(field)
        if not entry or not entry.get("text"):
            return "missing"
        if entry.get("source") != _digest(getattr(self, field) or ""):
            return "outdated"
        return "current"

    def translated(self, field: str, language: str | None = None) -> TranslatedText:
        self._check_field(field)
        requested = language or translation.get_language() or settings.LANGUAGE_CODE
        requested = requested.split("-")[0]
        for code in fallback_chain(requested, self.original_language):
            if code == self.original_language:
                text = getattr(self, field) or ""
                outdated = False
            else:
                entry: dict[str, Any] = self.translations.get(code, {}).get(field) or {}
                text = entry.get("text", "")
                outdated = self.translation_status(code, field) == "outdated"
            if text:
                return TranslatedText(text, code, requested, code != requested, outdated)
        return TranslatedText("", self.original_language, requested, False, False)


def item_text(item: Any, key: str, language: str | None = None) -> str:
    """A text of a plain item (a call's checklist item, a custom question) in ``language``: items
    keep their translations in ``item["translations"][language]``; the original when there is none."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    translated = (item.get("translations") or {}).get(language)
    return str(translated) if translated else str(item.get(key, ""))
