"""Open-data pages: the catalogue's exports and the editors' bulk imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from asis.core.jobs import job_start
from asis.observatory import exports, imports

PREVIEW_ROWS = 20


@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The catalogue under the request's filters, as a streamed CSV, XLSX, JSON or GeoJSON file."""
    return exports.export_response(fmt=fmt, params=request.GET, language=request.GET.get("lang") or get_language())


@require_safe
def export_formats(request: HttpRequest) -> HttpResponse:
    query = exports.catalogue_query(request.GET)
    from django.utils.http import urlencode

    querystring = urlencode(query.to_params())
    formats = [("csv", "CSV"), ("xlsx", "XLSX (Excel, LibreOffice)"), ("json", "JSON"), ("geojson", "GeoJSON")]
    return render(request, "observatory/export.html", {
        "formats": formats, "querystring": querystring, "active_filters": query.active_filters,
        "licence_url": exports.LICENCE_URL, "attribution": exports.ATTRIBUTION,
        "boundaries_attribution": exports.BOUNDARIES_ATTRIBUTION,
    })


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=[
        ("initiatives", gettext_lazy("Initiatives")), ("organisations", gettext_lazy("Organisations"))])
    file = forms.FileField(label=gettext_lazy("CSV (UTF-8) or XLSX file"),
                           help_text=gettext_lazy("At most 10 MB and 20,000 rows."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.")
                                        % {"limit": imports.MAX_BYTES // (1024 * 1024)})
        return upload


def _require_moderator(request: HttpRequest) -> None:
    if not request.user.can_moderate:
        raise PermissionDenied(_("Only editors and platform admins may import data."))


def _columns_context() -> dict[str, Any]:
    return {"initiative_columns": imports.INITIATIVE_COLUMNS, "initiative_required": imports.INITIATIVE_REQUIRED,
            "organisation_columns": imports.ORGANISATION_COLUMNS,
            "organisation_required": imports.ORGANISATION_REQUIRED,
            "max_rows": imports.MAX_ROWS, "max_mb": imports.MAX_BYTES // (1024 * 1024)}


def _preview(request: HttpRequest, *, kind: str, filename: str, data: bytes, token: str | None = None,
             errors: list[imports.RowError] | None = None) -> HttpResponse:
    context: dict[str, Any] = {"kind": kind, "filename": filename, "token": None, "file_error": None,
                               "errors": [], "rows": [], "valid_count": 0, "row_count": 0}
    try:
        table = imports.read_table(data, filename, kind)
    except imports.ImportFileError as exc:
        context["file_error"] = str(exc)
        return render(request, "observatory/import_preview.html", context, status=400)
    valid, found = imports.validate(kind, table)
    errors = found if errors is None else errors
    context.update(row_count=len(table.rows), valid_count=len(valid), rows=valid[:PREVIEW_ROWS],
                   errors=errors[:imports.MAX_ERRORS], more_errors=max(0, len(errors) - imports.MAX_ERRORS))
    if not errors:
        context["token"] = token or imports.stash(user_id=request.user.pk, kind=kind, filename=filename, data=data)
    return render(request, "observatory/import_preview.html", context, status=400 if errors else 200)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file: every row is checked and shown; nothing is saved before the commit."""
    _require_moderator(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        return _preview(request, kind=form.cleaned_data["kind"], filename=upload.name, data=upload.read())
    status = 400 if form.errors else 200
    return render(request, "observatory/import.html", {"form": form, **_columns_context()}, status=status)


@login_required
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    """Save every row of a previewed upload in one transaction, or none."""
    _require_moderator(request)
    try:
        stashed = imports.unstash(request.POST.get("token", ""), user_id=request.user.pk)
        data = stashed.read()
        table = imports.read_table(data, stashed.filename, stashed.kind)
        if len(table.rows) > imports.SYNC_ROWS:
            job = job_start(kind="observatory.import", owner=request.user,
                            params={"stash": stashed.name, "kind": stashed.kind, "filename": stashed.filename})
            return redirect("core:job_detail", job_id=job.pk)
        count = imports.import_commit(actor=request.user, kind=stashed.kind, table=table)
    except imports.ImportFileError as exc:
        messages.error(request, str(exc))
        return render(request, "observatory/import.html", {"form": ImportForm(), **_columns_context()},
                      status=400)
    except imports.ImportRejected as exc:
        return _preview(request, kind=stashed.kind, filename=stashed.filename, data=data, errors=exc.errors)
    stashed.path.unlink(missing_ok=True)
    messages.success(request, _("%(count)s rows imported from %(file)s.")
                     % {"count": count, "file": stashed.filename})
    return redirect("observatory:import")


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty CSV with the columns of an import."""
    _require_moderator(request)
    response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="asis-{kind}-template.csv"'
    return response
