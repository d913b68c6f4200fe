"""Routes of the indicator library, the monitoring set-up and the theory of change (impact namespace)."""

from django.urls import path

from asis.impact import views_library as v

urlpatterns = [
    path("library/", v.library_list, name="library"),
    path("library/new/", v.indicator_create, name="indicator_create"),
    path("library/<int:indicator_id>/", v.indicator_detail, name="indicator_detail"),
    path("library/<int:indicator_id>/edit/", v.indicator_edit, name="indicator_edit"),
    path("library/<int:indicator_id>/review/", v.indicator_review, name="indicator_review"),
    path("calls/<int:call_id>/indicators/", v.call_indicators, name="call_indicators"),
    path("projects/<int:project_id>/setup/", v.project_setup, name="project_setup"),
    path("projects/<int:project_id>/setup/add/", v.project_indicator_add, name="project_indicator_add"),
    path("projects/<int:project_id>/setup/propose/", v.indicator_propose, name="indicator_propose"),
    path("projects/<int:project_id>/setup/<int:pi_id>/", v.project_targets, name="project_targets"),
    path("projects/<int:project_id>/setup/<int:pi_id>/remove/", v.project_indicator_remove,
         name="project_indicator_remove"),
    path("projects/<int:project_id>/theory/", v.theory_detail, name="theory"),
    path("projects/<int:project_id>/theory/edit/", v.theory_edit, name="theory_edit"),
    path("projects/<int:project_id>/theory/history/", v.theory_history, name="theory_history"),
    path("projects/<int:project_id>/theory/pdf/", v.theory_pdf, name="theory_pdf"),
]
