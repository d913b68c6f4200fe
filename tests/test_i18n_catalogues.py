"""Every UI string is translated into fr, de, it and sl: no untranslated, no fuzzy entry."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from tests.po import entries

LOCALE = Path(settings.PACKAGE_DIR) / "locale"
LANGS = ["fr", "de", "it", "sl"]


def _entries(po: Path):
    return entries(po, raw=True)


def _plural_ids(po: Path) -> dict[str, str]:
    """msgid -> msgid_plural for the plural entries."""
    text = po.read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n\s*\n", text):
        joined = re.sub(r'"\n"', "", block)
        m_id = re.search(r'^msgid "(.*)"$', joined, re.M)
        m_pl = re.search(r'^msgid_plural "(.*)"$', joined, re.M)
        if m_id and m_pl:
            out[m_id.group(1)] = m_pl.group(1)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"missing catalogue {po}"
    untranslated = [msgid for msgid, strs, _f in _entries(po) if not strs or any(s == "" for s in strs)]
    fuzzy = [msgid for msgid, _s, flags in _entries(po) if "fuzzy" in flags]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_compiles_cleanly(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_kept(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    plurals = _plural_ids(po)
    for msgid, strs, _flags in _entries(po):
        wanted = set(re.findall(r"%\(\w+\)s", msgid))
        if msgid in plurals:
            # A plural form may name the count that the singular leaves implicit ("One more ..."),
            # but must keep every other placeholder and invent none.
            allowed = wanted | set(re.findall(r"%\(\w+\)s", plurals[msgid]))
            for msgstr in strs:
                found = set(re.findall(r"%\(\w+\)s", msgstr))
                assert found <= allowed and wanted - {"%(counter)s", "%(count)s"} <= found, \
                    f"{lang}: {msgid!r} -> {msgstr!r}"
            continue
        for msgstr in strs:
            assert set(re.findall(r"%\(\w+\)s", msgstr)) == wanted, f"{lang}: {msgid!r} -> {msgstr!r}"


def test_catalogue_covers_the_source():
    """The catalogues are up to date: every string marked in the code is in them."""
    po_ids = {msgid for msgid, _s, _f in _entries(LOCALE / "fr" / "LC_MESSAGES" / "django.po")}
    source = Path(settings.PACKAGE_DIR)
    marked: set[str] = set()
    for path in list(source.rglob("*.html")) + list(source.rglob("*.py")):
        if "engines" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        # templates: makemessages (and the translate tag at run time) double a literal "%"
        marked.update(m.replace("%", "%%") for m in re.findall(r'{% translate "([^"]+)"', text))
        marked.update(m.replace("%", "%%") for m in re.findall(r"{% translate '([^']+)'", text))
        marked.update(re.findall(r'\b_\("([^"\\]+)"\)', text))
    missing = sorted(m for m in marked if m not in po_ids)
    assert not missing, f"strings missing from the catalogues (run makemessages): {missing[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_is_translated(client, db, lang):
    with translation.override(lang):
        heading = gettext("Judge innovation by what it does for people")
    assert heading != "Judge innovation by what it does for people"
    response = client.get(f"/{lang}/")
    assert heading in response.content.decode()


def test_dates_and_numbers_are_localised():
    from datetime import date

    from django.utils import formats

    with translation.override("de"):
        assert formats.date_format(date(2021, 4, 1), "SHORT_DATE_FORMAT") == "01.04.2021"
        assert formats.number_format(1234.5, 1, use_l10n=True) == "1234,5"
    with translation.override("en"):
        assert formats.number_format(1234.5, 1, use_l10n=True) == "1234.5"
