from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

import asis.accounts.api  # noqa: F401  (registers endpoints)
import asis.calls.api  # noqa: F401  (registers endpoints)
import asis.core.api  # noqa: F401  (registers endpoints)
import asis.impact.api_reports  # noqa: F401  (registers endpoints)
import asis.impact.api_results  # noqa: F401  (registers endpoints)
import asis.impact.counterfactual.api  # noqa: F401  (registers endpoints)
import asis.impact.sroi.api  # noqa: F401  (registers endpoints)
import asis.observatory.api  # noqa: F401  (registers endpoints)
import asis.policylab.api  # noqa: F401  (registers endpoints)
from asis.core.api_base import api
from asis.core.language import set_language
from asis.core.views_api import api_not_found
from asis.core.views_pages import favicon

admin.site.site_header = "ASIS administration"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_index"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    path("favicon.ico", favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", include("asis.dashboard.urls")),  # its home page replaces core's for signed-in people
    path("", include("asis.core.urls")),
    path("accounts/", include("asis.accounts.urls")),
    path("observatory/", include("asis.observatory.urls")),
    path("calls/", include("asis.calls.urls")),
    path("impact/", include("asis.impact.urls")),
    path("policy-lab/", include("asis.policylab.urls")),
    path("search/", include("asis.sitesearch.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "asis.core.views.error_400"
handler403 = "asis.core.views.error_403"
handler404 = "asis.core.views.error_404"
handler500 = "asis.core.views.error_500"

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
