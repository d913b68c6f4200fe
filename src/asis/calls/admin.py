"""Admin views of calls are read-only: every change to calls, applications, scores and decisions
goes through the services, which write the audit log."""

from __future__ import annotations

from django.contrib import admin

from asis.calls.models import Application, Call, Notification
from asis.core.admin import ReadOnlyAdmin


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "status", "opens_at", "closes_at")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "call", "status", "eligibility", "decision")
    list_filter = ("status", "eligibility", "decision")
    search_fields = ("reference", "title")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "email", "language", "status")
    list_filter = ("kind", "status", "language")
