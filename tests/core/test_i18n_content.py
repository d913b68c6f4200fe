from __future__ import annotations

import pytest
from django.utils import translation

from tests.conftest import make_org


@pytest.fixture
def org(db):
    org = make_org("Translated Org")
    org.original_language = "de"
    org.description = "Wir pflegen ältere Menschen."
    org.set_translation("fr", "description", "Nous soignons les personnes âgées.")
    org.set_translation("en", "description", "We care for older people.")
    org.save()
    return org


def test_requested_language_is_used(org):
    text = org.translated("description", "fr")
    assert text.text == "Nous soignons les personnes âgées."
    assert not text.is_fallback and not text.is_outdated


def test_falls_back_to_original_language(org):
    text = org.translated("description", "it")
    assert text.language == "de" and text.is_fallback
    assert text.text.startswith("Wir pflegen")


def test_active_language_is_default(org):
    with translation.override("en"):
        assert org.translated("description").text == "We care for older people."


def test_translation_marked_outdated_when_original_changes(org):
    assert org.translation_status("fr", "description") == "current"
    org.description = "Wir pflegen ältere Menschen und Kinder."
    org.save()
    org.refresh_from_db()
    assert org.translation_status("fr", "description") == "outdated"
    assert org.translated("description", "fr").is_outdated
    assert org.translation_status("de", "description") == "original"
    assert org.translation_status("sl", "description") == "missing"


def test_unknown_field_or_language_is_refused(org):
    with pytest.raises(ValueError):
        org.set_translation("fr", "name", "x")
    with pytest.raises(ValueError):
        org.set_translation("xx", "description", "x")


def test_fallback_chain_order():
    from asis.core.i18n import fallback_chain

    assert fallback_chain("sl", "it") == ["sl", "it", "en", "fr", "de"]
