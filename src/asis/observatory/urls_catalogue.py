"""Public observatory pages: catalogue, initiative/organisation/region pages and the map."""

from django.urls import path

from asis.observatory import views_catalogue as views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("map/", views.map_view, name="map"),
    path("map/regions.geojson", views.map_regions, name="map_regions"),
    path("map/points.json", views.map_points, name="map_points"),
]
