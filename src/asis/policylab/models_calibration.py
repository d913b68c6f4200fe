"""The calibration of the simulation to the platform's data: fitted parameter overrides, the
fit diagnostics, and which calibration is in force (at most one). See
``asis.policylab.calibration`` and docs/methods/simulation-odd.md ("Calibration")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.core.models import Job


class Calibration(models.Model):
    """One fit of the model's parameters to the observatory and the funded projects.

    ``params`` holds ``ModelParams`` overrides (field -> value); ``diagnostics`` the data used,
    the Bass fits with standard errors, R^2 and residuals, and the ABC acceptance rate and
    posterior summaries (format in ``calibration.py``). Only the calibration in force feeds
    new scenarios (``calibration.params_in_force``).
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    job = models.ForeignKey(Job, verbose_name=_("background job"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(_("model parameter overrides"), default=dict, blank=True)
    diagnostics = models.JSONField(_("fit diagnostics"), default=dict, blank=True)
    in_force = models.BooleanField(_("in force"), default=False)
    enacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("put in force by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    enacted_at = models.DateTimeField(_("put in force"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calibration")
        verbose_name_plural = _("calibrations")
        constraints = [
            models.UniqueConstraint(fields=["in_force"], condition=models.Q(in_force=True),
                                    name="policylab_single_calibration_in_force"),
        ]

    def __str__(self) -> str:
        return f"calibration {self.pk}"
