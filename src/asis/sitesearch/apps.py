from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    name = "asis.sitesearch"
    label = "sitesearch"

    def ready(self) -> None:
        from asis.sitesearch import sources

        sources.register_all()
