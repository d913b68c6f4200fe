"""The units indicators are measured in, with their names for people.

The codes are those of :mod:`asis.engines.impact.units` (which knows their dimensions and
conversions); this module only gives them translated labels for forms, tables and charts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

UNIT_CHOICES = [
    ("count", _("number")),
    ("persons", _("persons")),
    ("households", _("households")),
    ("organisations", _("organisations")),
    ("jobs", _("jobs")),
    ("fte", _("full-time equivalents")),
    ("eur", _("EUR")),
    ("keur", _("thousand EUR")),
    ("meur", _("million EUR")),
    ("hours", _("hours")),
    ("days", _("days")),
    ("months", _("months")),
    ("years", _("years")),
    ("percent", _("%")),
    ("per_1000", _("per 1,000")),
    ("t_co2e", _("tonnes CO2e")),
    ("kg_co2e", _("kg CO2e")),
    ("kwh", _("kWh")),
    ("mwh", _("MWh")),
    ("km", _("km")),
    ("ha", _("hectares")),
    ("m2", _("m²")),
    ("score", _("score")),
]
UNIT_LABELS = dict(UNIT_CHOICES)


def unit_label(code: str) -> str:
    return str(UNIT_LABELS.get(code, code))
