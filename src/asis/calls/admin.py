"""Admin views of calls are read-only: every change to calls, applications, scores and decisions
goes through the services, which write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from asis.calls.models import Application, Call, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


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
