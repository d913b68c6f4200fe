"""Results of simulation runs and comparisons of scenarios (pages, exports, the PDF brief)."""

from django.urls import path

from asis.policylab.results import views

urlpatterns = [
    path("results/runs/<uuid:run_id>/", views.run_results, name="run_results"),
    path("results/runs/<uuid:run_id>/export.<str:fmt>", views.run_export, name="run_export"),
    path("comparisons/new/", views.compare_new, name="compare_new"),
    path("comparisons/<uuid:comparison_id>/", views.comparison, name="comparison"),
    path("comparisons/<uuid:comparison_id>/edit/", views.comparison_update, name="comparison_update"),
    path("comparisons/<uuid:comparison_id>/sensitivity/", views.comparison_sensitivity,
         name="comparison_sensitivity"),
    path("comparisons/<uuid:comparison_id>/export.<str:fmt>", views.comparison_export, name="comparison_export"),
    path("comparisons/<uuid:comparison_id>/brief.pdf", views.comparison_pdf, name="comparison_pdf"),
]
