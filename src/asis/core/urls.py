from django.urls import path

from asis.core import views, views_pages

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify_start, name="audit_verify"),
    path("pages/<slug:slug>/", views_pages.site_page, name="site_page"),
    path("help/", views_pages.help_index, name="help_index"),
    path("help/<path:name>/", views_pages.help_guide, name="help_guide"),
]
