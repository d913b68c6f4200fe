from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "asis.dashboard"
    label = "dashboard"
    verbose_name = _("Home page and notifications")

    def ready(self) -> None:
        from asis.core.notify import register_recorder
        from asis.dashboard.inbox import notification_record

        register_recorder(notification_record)
