"""Scenario explorer: home of the policy lab, scenarios, live preview, a run's progress."""

from django.urls import path

from asis.policylab.explorer import views

urlpatterns = [
    path("", views.index, name="index"),
    path("scenarios/new/", views.scenario_new, name="scenario_new"),
    path("scenarios/from-call/", views.scenario_from_call, name="scenario_from_call"),
    path("scenarios/preview/", views.preview, name="preview"),
    path("scenarios/<uuid:scenario_id>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<uuid:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<uuid:scenario_id>/duplicate/", views.scenario_duplicate, name="scenario_duplicate"),
    path("scenarios/<uuid:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<uuid:scenario_id>/run/", views.run_start, name="run_start"),
    path("runs/<uuid:run_id>/progress/", views.run_detail, name="run_detail"),
    path("runs/<uuid:run_id>/progress/now/", views.run_progress, name="run_progress"),
    path("runs/<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<uuid:run_id>/resume/", views.run_resume, name="run_resume"),
]
