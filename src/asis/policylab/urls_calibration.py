"""Calibration of the simulation to the platform's data."""

from django.urls import path

from asis.policylab import views_calibration as views

urlpatterns: list = [
    path("calibration/", views.calibration, name="calibration"),
    path("calibration/run/", views.calibration_run, name="calibration_run"),
    path("calibration/<int:calibration_id>/in-force/", views.calibration_enact, name="calibration_enact"),
]
