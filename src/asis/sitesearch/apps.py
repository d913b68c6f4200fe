from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteSearchConfig(AppConfig):
    name = "asis.sitesearch"
    label = "sitesearch"
    verbose_name = _("Site search")

    def ready(self) -> None:
        from asis.sitesearch import sources

        sources.register_all()
