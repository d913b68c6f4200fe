"""Routes of the calls module: review part."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
