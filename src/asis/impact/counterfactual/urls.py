from django.urls import path

from asis.impact.counterfactual import views

app_name = "counterfactual"

urlpatterns = [
    path("", views.index, name="index"),
    path("panels/import/", views.panel_import, name="panel_import"),
    path("panels/from-indicator/", views.panel_indicator, name="panel_indicator"),
    path("panels/<int:panel_id>/", views.panel_detail, name="panel_detail"),
    path("panels/<int:panel_id>/studies/new/", views.study_new, name="study_new"),
    path("studies/<int:study_id>/", views.study_detail, name="study_detail"),
    path("studies/<int:study_id>/pdf/", views.study_pdf, name="study_pdf"),
]
