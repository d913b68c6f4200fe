"""Policy lab pages: scenarios (explorer), results and comparisons, the white book."""

from django.urls import include, path

app_name = "policylab"

urlpatterns = [
    path("", include("asis.policylab.urls_scenarios")),
    path("", include("asis.policylab.urls_results")),
    path("", include("asis.policylab.urls_calibration")),
    path("white-book/", include("asis.policylab.whitebook.urls")),
    path("white-book/", include("asis.policylab.whitebook.urls_evidence")),
]
