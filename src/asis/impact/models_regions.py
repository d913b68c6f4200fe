"""Statistics of regions that results are divided by (population for "results per inhabitant").

The platform ships no population figures: staff import them from an official source (Eurostat
``demo_r_d2jan``, a national statistics office) with the source and the licence written next to each
figure, so that the map can cite them. Without a figure the map shows totals and says why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.regions.models import Region

POPULATION = "population"


class RegionStatistic(models.Model):
    """One figure of one region for one year, e.g. its population on 1 January."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="statistics",
                               verbose_name=_("region"))
    key = models.SlugField(_("statistic"), max_length=60, default=POPULATION,
                           help_text=_("What the figure counts, e.g. population."))
    year = models.PositiveIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("licence"), max_length=100)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["region__code", "key", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "key", "year"], name="impact_region_statistic_unique"),
                       models.CheckConstraint(condition=models.Q(value__gte=0), name="impact_region_statistic_positive")]
        verbose_name = _("region statistic")
        verbose_name_plural = _("region statistics")

    def __str__(self) -> str:
        return f"{self.region.code} {self.key} {self.year}"
