"""Django admin for the observatory: taxonomies (with their five languages), initiatives, revisions.

Admin edits of an initiative go through the same bookkeeping as the services: a revision, an
audit entry and a refreshed search document. Status changes use ``initiative_set_status``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from asis.core.admin import ReadOnlyAdmin
from asis.core.audit import audit_record
from asis.observatory.models import (
    Axis,
    Challenge,
    Initiative,
    InitiativeImage,
    InitiativeOrganisation,
    InitiativeRevision,
)
from asis.observatory.search import index_initiatives, index_prefetch
from asis.observatory.services import initiative_set_status, initiative_snapshot


class _TaxonomyFormBase(forms.ModelForm):
    """The name and description in every language, as plain fields (stored in ``translations``).

    The pair for the term's original language is ignored: the main name and description hold it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in settings.LANGUAGE_CODES:
            for field in ("name", "description"):
                entry = (self.instance.translations or {}).get(lang, {}).get(field) or {}
                self.initial.setdefault(f"{field}_{lang}", entry.get("text", ""))

    def save(self, commit: bool = True) -> Any:
        instance = super().save(commit=False)
        for lang in settings.LANGUAGE_CODES:
            if lang == instance.original_language:
                continue
            for field in ("name", "description"):
                key = f"{field}_{lang}"
                text = self.cleaned_data.get(key, "")
                # Only texts the admin changed: re-saving an untouched translation must not hide
                # that it was made from an older original (it stays "outdated").
                if text and key in self.changed_data:
                    instance.set_translation(lang, field, text)
        if commit:
            instance.save()
        return instance


def _translation_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for lang in settings.LANGUAGE_CODES:
        fields[f"name_{lang}"] = forms.CharField(label=f"name [{lang}]", required=False, max_length=200)
        fields[f"description_{lang}"] = forms.CharField(label=f"description [{lang}]", required=False,
                                                        widget=forms.Textarea(attrs={"rows": 2}))
    return fields


TaxonomyForm = type("TaxonomyForm", (_TaxonomyFormBase,), _translation_fields())


class TaxonomyAdmin(admin.ModelAdmin):
    form = TaxonomyForm
    list_display = ["code", "name", "from_asis", "sdgs", "position", "active"]
    list_filter = ["from_asis", "active"]
    search_fields = ["code", "name"]
    list_editable = ["position", "active"]
    exclude = ["translations"]

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        base = ["code", "original_language", "name", "description", "sdgs", "from_asis", "position", "active"]
        extra = [f"{field}_{lang}" for lang in settings.LANGUAGE_CODES for field in ("name", "description")]
        return base + extra

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(action=f"asis.{obj._meta.model_name}.{'changed' if change else 'created'}",
                     actor=request.user, obj=obj, after={"code": obj.code, "name": obj.name, "sdgs": obj.sdgs})


admin.site.register(Challenge, TaxonomyAdmin)
admin.site.register(Axis, TaxonomyAdmin)


class InitiativeOrganisationInline(admin.TabularInline):
    model = InitiativeOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class InitiativeImageInline(admin.TabularInline):
    model = InitiativeImage
    extra = 0


class InitiativeRevisionInline(admin.TabularInline):
    model = InitiativeRevision
    extra = 0
    fields = ["created_at", "author", "note"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "stage", "original_language", "published_at", "submitted_by"]
    list_filter = ["status", "stage", "original_language", "challenges", "axes"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["regions", "challenges", "axes"]
    readonly_fields = ["status", "moderation_reason", "submitted_by", "possible_duplicate_of", "created_at",
                       "updated_at", "published_at"]
    inlines = [InitiativeOrganisationInline, InitiativeImageInline, InitiativeRevisionInline]
    actions = ["publish", "archive"]
    list_select_related = ["submitted_by"]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        initiative = form.instance
        snapshot = initiative_snapshot(initiative)
        InitiativeRevision.objects.create(initiative=initiative, author=request.user, note="admin", snapshot=snapshot)
        audit_record(action="asis.initiative.changed" if change else "asis.initiative.created",
                     actor=request.user, obj=initiative, after={"changed": sorted(form.changed_data)})
        index_initiatives(index_prefetch(Initiative.objects.filter(pk=initiative.pk)))

    def _set_status(self, request: Any, queryset: Any, status: str) -> None:
        done = 0
        for initiative in queryset:
            try:
                initiative_set_status(actor=request.user, initiative=initiative, status=status)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{initiative}: {'; '.join(error.messages)}", messages.WARNING)
        self.message_user(request, ngettext("%(count)s initiative changed.", "%(count)s initiatives changed.",
                                            done) % {"count": done})

    @admin.action(description=_("Publish the selected initiatives"))
    def publish(self, request: Any, queryset: Any) -> None:
        self._set_status(request, queryset, Initiative.Status.PUBLISHED)

    @admin.action(description=_("Archive the selected initiatives"))
    def archive(self, request: Any, queryset: Any) -> None:
        self._set_status(request, queryset, Initiative.Status.ARCHIVED)


@admin.register(InitiativeRevision)
class InitiativeRevisionAdmin(ReadOnlyAdmin):
    """Read-only: revisions are the record of what changed."""

    list_display = ["initiative", "created_at", "author", "note"]
    list_select_related = ["initiative", "author"]
    readonly_fields = ["initiative", "author", "created_at", "note", "snapshot"]
