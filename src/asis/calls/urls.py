from django.urls import include, path

app_name = "calls"

# One subpackage per stage of the workflow, each with its urls, views, forms and services:
#   builder  – programme managers build and publish calls; public call pages
#   apply    – self-assessment, applications, eligibility screening
#   review   – evaluators, conflicts of interest, assignment, scoring, panel
#   results  – results, decisions, letters, reports, funded projects
urlpatterns = [
    path("", include("asis.calls.builder.urls")),
    path("", include("asis.calls.apply.urls")),
    path("", include("asis.calls.review.urls")),
    path("", include("asis.calls.results.urls")),
]
