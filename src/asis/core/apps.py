from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "asis.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from asis.core import checks  # noqa: F401  (registers the system checks)
