from django.urls import include, path

from asis.impact import learning_views, views

app_name = "impact"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("calls/<int:call_id>/learning/", learning_views.call_learning, name="call_learning"),
    path("", include("asis.impact.urls_dashboards")),
    path("", include("asis.impact.urls_reports")),
    path("", include("asis.impact.urls_library")),
    path("counterfactual/", include("asis.impact.counterfactual.urls")),
    path("sroi/", include("asis.impact.sroi.urls")),
]
