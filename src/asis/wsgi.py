import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
application = get_wsgi_application()

from asis.core.checks import log_startup_warnings  # noqa: E402  (needs the loaded settings)

log_startup_warnings()
