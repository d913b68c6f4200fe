"""Open data: exports of the catalogue (anyone) and bulk imports (editors)."""

from django.urls import path, re_path

from asis.observatory import views_data

urlpatterns = [
    path("export/", views_data.export_formats, name="export_formats"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|json|geojson)$", views_data.export, name="export"),
    path("import/", views_data.import_upload, name="import"),
    path("import/commit/", views_data.import_commit, name="import_commit"),
    re_path(r"^import/template-(?P<kind>initiatives|organisations)\.csv$", views_data.import_template,
            name="import_template"),
]
