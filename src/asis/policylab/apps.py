from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicylabConfig(AppConfig):
    name = "asis.policylab"
    label = "policylab"
    verbose_name = _("Policy lab")

    def ready(self) -> None:
        from asis.policylab import checks  # noqa: F401  (registers the simulation backend check)
