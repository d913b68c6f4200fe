from django.urls import path

from asis.impact import views_reports as views

urlpatterns = [
    path("projects/<int:project_id>/periods/<int:period_id>/report/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("reports/<int:report_id>/unlock/", views.report_unlock, name="report_unlock"),
    path("reports/<int:report_id>/versions/", views.report_versions, name="report_versions"),
    path("reports/<int:report_id>/evidence/<int:evidence_id>/", views.evidence_download, name="report_attachment"),
    path("reports/<int:report_id>/evidence/<int:evidence_id>/delete/", views.evidence_delete,
         name="report_attachment_delete"),
]
