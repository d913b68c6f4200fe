from django.urls import include, path

app_name = "calls"

# One URL module per part of the workflow (each with its own views_<part>.py):
#   builder  – programme managers build and publish calls; public call pages
#   apply    – self-assessment, applications, eligibility screening
#   review   – evaluators, conflicts of interest, assignment, scoring, panel
#   results  – results, decisions, letters, reports, funded projects
urlpatterns = [
    path("", include("asis.calls.urls_builder")),
    path("", include("asis.calls.urls_apply")),
    path("", include("asis.calls.urls_review")),
    path("", include("asis.calls.urls_results")),
]
