"""Routes of the dashboards, their downloads, the region statistics and the open data of results."""

from django.urls import path, re_path

from asis.impact import views_dashboards as v
from asis.impact import views_opendata as o

FMT = r"(?P<fmt>csv|xlsx)"

urlpatterns = [
    path("programmes/<int:organisation_id>/", v.programme_dashboard, name="programme_dashboard"),
    re_path(rf"^programmes/(?P<organisation_id>\d+)/export\.{FMT}$", v.programme_export, name="programme_export"),
    path("programmes/<int:organisation_id>/regions/", v.region_map, name="region_map"),
    path("programmes/<int:organisation_id>/regions/data.geojson", v.region_map_data, name="region_map_data"),
    re_path(rf"^programmes/(?P<organisation_id>\d+)/regions/export\.{FMT}$", v.region_export, name="region_export"),
    path("calls/<int:call_id>/", v.call_dashboard, name="call_dashboard"),
    re_path(rf"^calls/(?P<call_id>\d+)/export\.{FMT}$", v.call_export, name="call_export"),
    path("indicators/<int:indicator_id>/results/", v.indicator_results, name="indicator_results"),
    re_path(rf"^indicators/(?P<indicator_id>\d+)/results/export\.{FMT}$", v.indicator_export,
            name="indicator_export"),
    re_path(rf"^projects/(?P<project_id>\d+)/export\.{FMT}$", v.project_export, name="project_export"),
    path("region-statistics/", v.region_statistics, name="region_statistics"),
    path("open-data/", o.open_data, name="open_data"),
    re_path(r"^open-data/results\.(?P<fmt>csv|xlsx|json)$", o.results_file, name="open_results"),
    path("open-data/iati-activities.xml", o.iati_file, name="open_iati"),
]
