"""Routes of the calls module: apply part."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
