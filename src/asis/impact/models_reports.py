"""What the reporting workflow keeps besides the lead's report models: the reminders sent, so a
reminder of one kind goes out once per reporting period however often the scheduler runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportReminder(models.Model):
    """One reminder e-mail round for one reporting period (written before the e-mails go)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Report due in two weeks")
        DUE_TODAY = "due_today", _("Report due today")
        LATE = "late", _("Report late")

    period = models.ForeignKey("impact.ReportingPeriod", on_delete=models.CASCADE, related_name="reminders",
                               verbose_name=_("period"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["period", "sent_at"]
        constraints = [models.UniqueConstraint(fields=["period", "kind"], name="impact_reminder_once")]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")

    def __str__(self) -> str:
        return f"{self.period} {self.kind}"
