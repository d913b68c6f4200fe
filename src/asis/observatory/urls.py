"""Observatory URLs. Each part of the observatory has its own module of patterns."""

from django.urls import include, path

app_name = "observatory"

urlpatterns = [
    path("", include("asis.observatory.urls_catalogue")),
    path("", include("asis.observatory.urls_contribute")),
    path("", include("asis.observatory.urls_data")),
]
