"""SROI routes, included under /impact/sroi/ in the impact namespace."""

from django.urls import path

from asis.impact.sroi import views

urlpatterns = [
    path("", views.sroi_list, name="sroi_list"),
    path("new/", views.sroi_create, name="sroi_create"),
    path("price-index/", views.price_index, name="sroi_price_index"),
    path("<int:analysis_id>/", views.sroi_detail, name="sroi_detail"),
    path("<int:analysis_id>/edit/", views.sroi_edit, name="sroi_edit"),
    path("<int:analysis_id>/run/", views.sroi_run, name="sroi_run"),
    path("<int:analysis_id>/report.pdf", views.sroi_pdf, name="sroi_pdf"),
]
