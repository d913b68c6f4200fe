"""The breakdowns an indicator may allow (sex, age band, region, target group) and their categories.

A reported value or a target for one category is keyed by a canonical string ``"sex=female"``;
the empty string is the total. Regions are the NUTS-2 codes of :mod:`asis.regions`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIMENSIONS = [
    ("sex", _("Sex")),
    ("age_band", _("Age band")),
    ("region", _("Region")),
    ("target_group", _("Target group")),
]
DIMENSION_LABELS = dict(DIMENSIONS)

CATEGORIES: dict[str, list[tuple[str, object]]] = {
    "sex": [("female", _("women")), ("male", _("men")), ("other", _("other or not stated"))],
    # The ESF+ regulation's age breaks (Annex I: below 18, 18-29, 55 and above).
    "age_band": [("under_18", _("under 18")), ("18_29", _("18 to 29")), ("30_54", _("30 to 54")),
                 ("55_plus", _("55 and over"))],
    "target_group": [("older_people", _("older people")), ("young_people", _("young people")),
                     ("migrants", _("migrants and people with a foreign background")),
                     ("disabled", _("persons with disabilities")), ("unemployed", _("unemployed people")),
                     ("low_income", _("people on low incomes")), ("carers", _("informal carers"))],
}


def key(dimension: str, category: str) -> str:
    return f"{dimension}={category}" if dimension else ""


def parse(value: str) -> tuple[str, str]:
    """``"sex=female"`` -> ``("sex", "female")``; the total ``""`` -> ``("", "")``."""
    if not value:
        return "", ""
    dimension, _sep, category = value.partition("=")
    return dimension, category


def categories(dimension: str) -> list[tuple[str, str]]:
    if dimension == "region":
        from asis.regions.models import Region

        return [(r.code, str(r)) for r in Region.objects.order_by("code")]
    return [(code, str(label)) for code, label in CATEGORIES.get(dimension, [])]


def label(value: str) -> str:
    """A human name for a disaggregation key: "Sex: women"; the total is "Total"."""
    dimension, category = parse(value)
    if not dimension:
        return str(_("Total"))
    names = dict(categories(dimension))
    return str(_("%(dimension)s: %(category)s") % {"dimension": DIMENSION_LABELS.get(dimension, dimension),
                                                   "category": names.get(category, category)})
