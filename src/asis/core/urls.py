from django.urls import path

from asis.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify_start, name="audit_verify"),
]
