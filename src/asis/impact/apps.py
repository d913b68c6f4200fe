from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "asis.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from asis.impact import kinds_library  # noqa: F401  (registers its notification kind)
