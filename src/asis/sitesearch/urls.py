from django.urls import path

from asis.sitesearch import views

app_name = "sitesearch"
urlpatterns = [path("", views.results, name="results")]
