"""Routes of the calls module: builder part."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
