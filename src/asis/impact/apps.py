from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "asis.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from asis.impact import kinds_library  # noqa: F401  (registers its notification kind)
        from asis.impact.report_notices import register_kinds

        register_kinds()  # the notification centre names the reporting e-mails in the reader's language
