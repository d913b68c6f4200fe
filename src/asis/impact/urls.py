from django.urls import include, path

from asis.impact import views

app_name = "impact"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("sroi/", include("asis.impact.sroi.urls")),
]
