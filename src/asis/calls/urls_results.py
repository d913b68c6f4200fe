"""Routes of the calls module: results part."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
