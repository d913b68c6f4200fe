from django.db import models
from django.utils.translation import gettext_lazy as _

COUNTRIES = [
    ("AT", _("Austria")),
    ("CH", _("Switzerland")),
    ("DE", _("Germany")),
    ("FR", _("France")),
    ("IT", _("Italy")),
    ("LI", _("Liechtenstein")),
    ("SI", _("Slovenia")),
]


class Region(models.Model):
    """A NUTS 2021 level-2 region of the Alpine Space programme area."""

    code = models.CharField(_("NUTS code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
