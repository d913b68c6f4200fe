from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin

from asis.core.audit import audit_record
from asis.core.models import AuditEntry, Job, SitePage


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that only shows: records that are append-only, or changed only through services
    (which write the audit log)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["seq", "created_at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "object_id"]
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "owner", "status", "progress", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class _SitePageFormBase(forms.ModelForm):
    """The title and text in every language, as plain fields (stored in ``translations``)."""

    class Meta:
        model = SitePage
        fields = ["original_language", "title", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in settings.LANGUAGE_CODES:
            for field in SitePage.TRANSLATABLE_FIELDS:
                entry = (self.instance.translations or {}).get(lang, {}).get(field) or {}
                self.initial.setdefault(f"{field}_{lang}", entry.get("text", ""))

    def save(self, commit: bool = True) -> Any:
        page = super().save(commit=False)
        for lang in settings.LANGUAGE_CODES:
            if lang == page.original_language:
                continue
            for field in SitePage.TRANSLATABLE_FIELDS:
                key = f"{field}_{lang}"
                # Only what the admin changed: re-saving an untouched translation keeps its "outdated" mark.
                if key in self.changed_data:
                    page.set_translation(lang, field, self.cleaned_data.get(key, ""))
        if commit:
            page.save()
        return page


def _page_translation_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for lang in settings.LANGUAGE_CODES:
        fields[f"title_{lang}"] = forms.CharField(label=f"title [{lang}]", required=False, max_length=200)
        fields[f"body_{lang}"] = forms.CharField(label=f"text [{lang}]", required=False,
                                                 widget=forms.Textarea(attrs={"rows": 12}))
    return fields


SitePageForm = type("SitePageForm", (_SitePageFormBase,), _page_translation_fields())


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The four footer pages: fixed set (no adding or deleting), texts in every language."""

    form = SitePageForm
    list_display = ["slug", "title", "updated_at"]
    readonly_fields = ["slug", "updated_at"]

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        original = obj.original_language if obj is not None else settings.LANGUAGE_CODE
        extra = [f"{field}_{lang}" for lang in settings.LANGUAGE_CODES if lang != original
                 for field in SitePage.TRANSLATABLE_FIELDS]
        return ["slug", "original_language", "title", "body", *extra, "updated_at"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(action="asis.site_page.changed", actor=request.user, obj=obj,
                     after={"slug": obj.slug, "fields": sorted(form.changed_data)})
