from django.urls import path

from asis.impact import views

app_name = "impact"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
]
